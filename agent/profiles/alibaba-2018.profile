# guestprep profile: the 2018 edition of the Alibaba Cloud import
# requirements, for sites that still follow it.  Only what changed since
# is listed; everything else is the current profile.
inherit = alibaba
description = Alibaba Cloud ECS, 2018 requirements (system disk from 40 GiB, versions enforced)
storage.system_disk_min_gib = 40
storage.data_disk_max_gib = 2000
os.unlisted_version = fail
# windows: plugins
# "Images of the following operating systems can be imported: Windows
# Server 2016, Windows Server 2012 R2, Windows Server 2012, Windows
# Server 2008 R2, Windows Server 2008, Windows Server 2003 with Service
# Pack 1 (SP1) or higher": no 2019, and the list is enforced.
platform.Windows Server 2019 =
windows_os.unlisted = fail
# end windows: plugins
