#ifndef VEGAS_CKEYCTL_H
#define VEGAS_CKEYCTL_H

#include <stddef.h>
#include <stdint.h>

/* Linux's key retention service (keyrings(7)) through its system calls, which Swift cannot call directly (syscall(2) is
   variadic). Each returns -1 with errno set on failure; elsewhere than Linux, -1 with ENOSYS. */

/* The calling user's keyring (KEY_SPEC_USER_KEYRING). */
#define VEGAS_USER_KEYRING ((int32_t)-4)

/* add_key(2): adds a "user" key to `keyring`, or replaces the payload of the one with the same description; returns its
   serial number. */
int32_t vegas_add_user_key(const char *description, const void *payload, size_t length, int32_t keyring);

/* keyctl(KEYCTL_SEARCH): the serial number of the "user" key with `description` in `keyring`. */
int32_t vegas_search_user_key(int32_t keyring, const char *description);

/* keyctl(KEYCTL_READ): copies up to `length` bytes of the payload; returns the payload's full size. */
long vegas_read_key(int32_t key, void *buffer, size_t length);

/* keyctl(KEYCTL_SETPERM). */
long vegas_set_key_permissions(int32_t key, uint32_t permissions);

/* keyctl(KEYCTL_INVALIDATE): the key is gone for every process at once. */
long vegas_invalidate_key(int32_t key);

#endif
