#include "CKeyctl.h"

#include <errno.h>

#ifdef __linux__
#include <linux/keyctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int32_t vegas_add_user_key(const char *description, const void *payload, size_t length, int32_t keyring) {
    return (int32_t)syscall(SYS_add_key, "user", description, payload, length, keyring);
}

int32_t vegas_search_user_key(int32_t keyring, const char *description) {
    return (int32_t)syscall(SYS_keyctl, KEYCTL_SEARCH, keyring, "user", description, 0);
}

long vegas_read_key(int32_t key, void *buffer, size_t length) {
    return syscall(SYS_keyctl, KEYCTL_READ, key, buffer, length);
}

long vegas_set_key_permissions(int32_t key, uint32_t permissions) {
    return syscall(SYS_keyctl, KEYCTL_SETPERM, key, permissions);
}

long vegas_invalidate_key(int32_t key) {
    return syscall(SYS_keyctl, KEYCTL_INVALIDATE, key);
}

#else

int32_t vegas_add_user_key(const char *description, const void *payload, size_t length, int32_t keyring) {
    (void)description; (void)payload; (void)length; (void)keyring;
    errno = ENOSYS;
    return -1;
}

int32_t vegas_search_user_key(int32_t keyring, const char *description) {
    (void)keyring; (void)description;
    errno = ENOSYS;
    return -1;
}

long vegas_read_key(int32_t key, void *buffer, size_t length) {
    (void)key; (void)buffer; (void)length;
    errno = ENOSYS;
    return -1;
}

long vegas_set_key_permissions(int32_t key, uint32_t permissions) {
    (void)key; (void)permissions;
    errno = ENOSYS;
    return -1;
}

long vegas_invalidate_key(int32_t key) {
    (void)key;
    errno = ENOSYS;
    return -1;
}

#endif
