/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The floor for any preload library: no constructor, no import. bench/run preloads it to
 * measure what the dynamic loader alone costs, so our library is judged by what it adds.
 */
