/* SPDX-License-Identifier: GPL-2.0-or-later */
/* initramfs: placeholder, being written. */
#ifndef GUESTPREP_INITRAMFS_H
#define GUESTPREP_INITRAMFS_H
#endif
