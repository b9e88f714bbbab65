/* SPDX-License-Identifier: GPL-2.0-or-later */
/* initramfs: placeholder, being written. */
#include "config.h"

#include "initramfs.h"
