# guestprep profile: the 2018 edition of the Alibaba Cloud import
# requirements, for sites that still follow it.  Only what changed since
# is listed; everything else is the current profile.
inherit = alibaba
description = Alibaba Cloud ECS, 2018 requirements (system disk from 40 GiB, versions enforced)
storage.system_disk_min_gib = 40
storage.data_disk_max_gib = 2000
os.unlisted_version = fail
