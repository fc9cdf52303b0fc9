/*
 * memlayer-lazyfs: a FUSE filesystem over a backing directory that keeps every byte written to
 * a file in memory until that file is fsynced, so that losing what is unsynced is one command.
 * That is what a power loss does to a file's data (Jepsen's LazyFS and its
 * lose-unfsynced-writes fault); a kill -9 alone loses nothing, the page cache keeps it all.
 *
 *   memlayer-lazyfs <backing-dir> <mountpoint> [-f] [fuse options]
 *
 * The control file <mountpoint>/.lazyfs: write "lose" to drop every file's unsynced data
 * (kill the processes using the files first), or "tear <seed>" to keep, of each file's
 * unsynced writes in the order they were made, a prefix of random length (cut anywhere, a
 * write's middle included) and drop the rest: a power loss that caught the disk mid-writeback.
 * Read it for "unsynced_bytes N files M".
 *
 * What waits for fsync (or fdatasync): file data, and a file's size grown by writes. What
 * reaches the backing directory at once: creating, truncating, renaming and removing files
 * and directories, as on a filesystem that journals metadata synchronously; so a missing
 * directory fsync is not caught, a missing file fsync is.
 *
 * At most 1 GiB is held unsynced, over all files (MEMLAYER_LAZYFS_UNSYNCED_MAX sets another
 * bound, in bytes); a write past that fails with ENOSPC and changes nothing.
 * Single-threaded (the caller passes -s): no locking anywhere.
 */
#define FUSE_USE_VERSION 35
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char *CONTROL = "/.lazyfs";
/* Unsynced data held at most, over all files; a write beyond it fails with ENOSPC.
 * MEMLAYER_LAZYFS_UNSYNCED_MAX (bytes) in the environment sets another. */
static size_t unsynced_bytes_max = (size_t)1 << 30;
static char root[PATH_MAX];

/* One write not yet on the backing file; later writes overlay earlier ones. */
struct extent {
  off_t off;
  size_t len;
  struct extent *next;
  char data[];
};

/* A file's unsynced state, by backing inode (which renames keep). */
struct dirty {
  ino_t ino;
  int fd; /* a descriptor of its own: the file may be closed, renamed or hidden by then */
  off_t size; /* the size readers see: the backing size grown by unsynced writes */
  struct extent *head, *tail;
  size_t bytes;
  struct dirty *next;
};

static struct dirty *dirty_files;
static size_t unsynced_bytes;

static void backing(char *out, const char *path) {
  snprintf(out, PATH_MAX, "%s%s", root, path);
}

static struct dirty *find(ino_t ino) {
  for (struct dirty *d = dirty_files; d != NULL; d = d->next)
    if (d->ino == ino) return d;
  return NULL;
}

static void free_extents(struct dirty *d) {
  struct extent *e = d->head;
  while (e != NULL) {
    struct extent *next = e->next;
    free(e);
    e = next;
  }
  d->head = d->tail = NULL;
  unsynced_bytes -= d->bytes;
  d->bytes = 0;
}

static void drop(ino_t ino) {
  for (struct dirty **p = &dirty_files; *p != NULL; p = &(*p)->next) {
    if ((*p)->ino != ino) continue;
    struct dirty *d = *p;
    *p = d->next;
    free_extents(d);
    close(d->fd);
    free(d);
    return;
  }
}

static void drop_all(void) {
  while (dirty_files != NULL) drop(dirty_files->ino);
}

/* xorshift64*: the seed names the tear, so a run replays. */
static uint64_t next_random(uint64_t *state) {
  uint64_t x = *state;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * 0x2545F4914F6CDD1DULL;
}

/* Writes `len` bytes at `off` to the backing file; -errno on failure. */
static int write_fully(int fd, const char *data, size_t len, off_t off) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = pwrite(fd, data + done, len - done, off + (off_t)done);
    if (n < 0) return -errno;
    done += (size_t)n;
  }
  return 0;
}

/* Keeps a random prefix of each file's unsynced writes (on its backing file), drops the rest. */
static int tear_all(uint64_t seed) {
  uint64_t state = seed == 0 ? 0x9E3779B97F4A7C15ULL : seed;
  for (struct dirty *d = dirty_files; d != NULL; d = d->next) {
    size_t total = 0;
    for (struct extent *e = d->head; e != NULL; e = e->next) total += e->len;
    size_t keep = (size_t)(next_random(&state) % (total + 1));
    for (struct extent *e = d->head; e != NULL && keep > 0; e = e->next) {
      size_t len = e->len < keep ? e->len : keep;
      int r = write_fully(d->fd, e->data, len, e->off);
      if (r != 0) return r;
      keep -= len;
    }
  }
  drop_all();
  return 0;
}

/* Writes a file's extents to its backing file, in order, then syncs it. */
static int sync_file(int fd, int datasync) {
  struct stat st;
  if (fstat(fd, &st) != 0) return -errno;
  struct dirty *d = find(st.st_ino);
  if (d != NULL) {
    for (struct extent *e = d->head; e != NULL; e = e->next) {
      int r = write_fully(fd, e->data, e->len, e->off);
      if (r != 0) return r;
    }
    drop(st.st_ino);
  }
  if ((datasync ? fdatasync(fd) : fsync(fd)) != 0) return -errno;
  return 0;
}

/* A NULL path is still possible in principle (libfuse's nullpath_ok); never dereferenced. */
static int is_control(const char *path) {
  return path != NULL && strcmp(path, CONTROL) == 0;
}

/* The backing file's attributes, through the open file when there is one. */
static int stat_of(const char *path, struct fuse_file_info *fi, struct stat *st) {
  if (fi != NULL) return fstat((int)fi->fh, st) == 0 ? 0 : -errno;
  if (path == NULL) return -ENOENT;
  char p[PATH_MAX];
  backing(p, path);
  return lstat(p, st) == 0 ? 0 : -errno;
}

static void *lz_init(struct fuse_conn_info *conn, struct fuse_config *cfg) {
  (void)conn;
  cfg->use_ino = 1;
  /* Not hard_remove: a file removed while open is renamed to .fuse_hidden* until closed, so
   * fstat and the rest keep working on it (with hard_remove they come without a path). */
  /* Sizes and names change under unsynced writes and losses: never cached by the kernel. */
  cfg->attr_timeout = 0;
  cfg->entry_timeout = 0;
  cfg->negative_timeout = 0;
  cfg->kernel_cache = 0;
  return NULL;
}

static int lz_getattr(const char *path, struct stat *st, struct fuse_file_info *fi) {
  if (is_control(path)) {
    memset(st, 0, sizeof *st);
    st->st_mode = S_IFREG | 0600;
    st->st_nlink = 1;
    return 0;
  }
  int r = stat_of(path, fi, st);
  if (r != 0) return r;
  if (S_ISREG(st->st_mode)) {
    struct dirty *d = find(st->st_ino);
    if (d != NULL && d->size > st->st_size) st->st_size = d->size;
  }
  return 0;
}

static int lz_open(const char *path, struct fuse_file_info *fi) {
  if (is_control(path)) {
    fi->fh = (uint64_t)-1;
    fi->direct_io = 1;
    return 0;
  }
  char p[PATH_MAX];
  backing(p, path);
  /* Read-write whatever was asked, so a sync can always flush; never O_APPEND, which would
   * make pwrite ignore the offsets the kernel sends. O_TRUNC is done at once (metadata). */
  int flags = (fi->flags & ~(O_ACCMODE | O_APPEND | O_CREAT | O_EXCL)) | O_RDWR;
  int fd = open(p, flags);
  if (fd < 0 && errno == EACCES) fd = open(p, fi->flags & ~O_APPEND);
  if (fd < 0) return -errno;
  if (fi->flags & O_TRUNC) {
    struct stat st;
    if (fstat(fd, &st) == 0) drop(st.st_ino);
  }
  fi->fh = (uint64_t)fd;
  fi->keep_cache = 0;
  return 0;
}

static int lz_create(const char *path, mode_t mode, struct fuse_file_info *fi) {
  if (is_control(path)) return -EEXIST;
  char p[PATH_MAX];
  backing(p, path);
  int fd = open(p, (fi->flags & ~(O_ACCMODE | O_APPEND)) | O_RDWR | O_CREAT, mode);
  if (fd < 0) return -errno;
  struct stat st;
  if (fstat(fd, &st) == 0) drop(st.st_ino); /* a reused inode number starts clean */
  fi->fh = (uint64_t)fd;
  return 0;
}

static int control_read(char *buf, size_t size, off_t off) {
  size_t bytes = 0, files = 0;
  for (struct dirty *d = dirty_files; d != NULL; d = d->next) {
    bytes += d->bytes;
    files++;
  }
  char text[128];
  int n = snprintf(text, sizeof text, "unsynced_bytes %zu files %zu\n", bytes, files);
  if (off >= n) return 0;
  size_t len = (size_t)(n - off) < size ? (size_t)(n - off) : size;
  memcpy(buf, text + off, len);
  return (int)len;
}

static int lz_read(const char *path, char *buf, size_t size, off_t off,
                   struct fuse_file_info *fi) {
  if (is_control(path)) return control_read(buf, size, off);
  int fd = (int)fi->fh;
  struct stat st;
  if (fstat(fd, &st) != 0) return -errno;
  struct dirty *d = find(st.st_ino);
  off_t end = d != NULL && d->size > st.st_size ? d->size : st.st_size;
  if (off >= end) return 0;
  if ((off_t)size > end - off) size = (size_t)(end - off);
  size_t got = 0;
  while (got < size) {
    ssize_t n = pread(fd, buf + got, size - got, off + (off_t)got);
    if (n < 0) return -errno;
    if (n == 0) break;
    got += (size_t)n;
  }
  memset(buf + got, 0, size - got); /* past the backing file: a hole until the writes land */
  if (d != NULL) {
    for (struct extent *e = d->head; e != NULL; e = e->next) {
      off_t from = e->off > off ? e->off : off;
      off_t to = e->off + (off_t)e->len < off + (off_t)size ? e->off + (off_t)e->len
                                                           : off + (off_t)size;
      if (from < to) memcpy(buf + (from - off), e->data + (from - e->off), (size_t)(to - from));
    }
  }
  return (int)size;
}

static int lz_write(const char *path, const char *buf, size_t size, off_t off,
                    struct fuse_file_info *fi) {
  if (is_control(path)) {
    char command[64];
    size_t n = size < sizeof command - 1 ? size : sizeof command - 1;
    memcpy(command, buf, n);
    command[n] = '\0';
    unsigned long long seed;
    if (strncmp(command, "lose", 4) == 0 && (n == 4 || command[4] == '\n')) {
      drop_all();
      return (int)size;
    }
    if (sscanf(command, "tear %llu", &seed) == 1) {
      int r = tear_all((uint64_t)seed);
      return r != 0 ? r : (int)size;
    }
    return -EINVAL;
  }
  if (unsynced_bytes + size > unsynced_bytes_max) return -ENOSPC;
  struct stat st;
  if (fstat((int)fi->fh, &st) != 0) return -errno;
  struct dirty *d = find(st.st_ino);
  if (d == NULL) {
    d = calloc(1, sizeof *d);
    if (d == NULL) return -ENOMEM;
    d->ino = st.st_ino;
    d->fd = dup((int)fi->fh);
    if (d->fd < 0) {
      int err = errno;
      free(d);
      return -err;
    }
    d->size = st.st_size;
    d->next = dirty_files;
    dirty_files = d;
  }
  struct extent *e = malloc(sizeof *e + size);
  if (e == NULL) return -ENOMEM;
  e->off = off;
  e->len = size;
  e->next = NULL;
  memcpy(e->data, buf, size);
  if (d->tail != NULL) d->tail->next = e;
  else d->head = e;
  d->tail = e;
  d->bytes += size;
  unsynced_bytes += size;
  if (off + (off_t)size > d->size) d->size = off + (off_t)size;
  return (int)size;
}

static int lz_truncate(const char *path, off_t size, struct fuse_file_info *fi) {
  if (is_control(path)) return 0;
  if (fi == NULL && path == NULL) return -ENOENT;
  char p[PATH_MAX];
  if (fi == NULL) backing(p, path);
  if ((fi != NULL ? ftruncate((int)fi->fh, size) : truncate(p, size)) != 0) return -errno;
  struct stat st;
  int r = stat_of(path, fi, &st);
  if (r != 0) return r;
  struct dirty *d = find(st.st_ino);
  if (d != NULL) {
    /* Done at once, like other metadata: unsynced data past the new end is gone. */
    for (struct extent *e = d->head; e != NULL; e = e->next) {
      if (e->off >= size) e->len = 0;
      else if (e->off + (off_t)e->len > size) e->len = (size_t)(size - e->off);
    }
    d->size = size;
  }
  return 0;
}

static int lz_fsync(const char *path, int datasync, struct fuse_file_info *fi) {
  if (is_control(path)) return 0;
  return sync_file((int)fi->fh, datasync);
}

static int lz_release(const char *path, struct fuse_file_info *fi) {
  if (!is_control(path)) close((int)fi->fh);
  return 0;
}

static int lz_unlink(const char *path) {
  if (is_control(path)) return -EPERM;
  char p[PATH_MAX];
  backing(p, path);
  struct stat st;
  int had = lstat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
  if (unlink(p) != 0) return -errno;
  if (had) drop(st.st_ino);
  return 0;
}

static int lz_rename(const char *from, const char *to, unsigned int flags) {
  if (is_control(from) || is_control(to)) return -EPERM;
  char a[PATH_MAX], b[PATH_MAX];
  backing(a, from);
  backing(b, to);
  struct stat st;
  int replaced = lstat(b, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 1;
  if (renameat2(AT_FDCWD, a, AT_FDCWD, b, flags) != 0) return -errno;
  if (replaced) drop(st.st_ino);
  return 0;
}

static int lz_mkdir(const char *path, mode_t mode) {
  char p[PATH_MAX];
  backing(p, path);
  return mkdir(p, mode) == 0 ? 0 : -errno;
}

static int lz_rmdir(const char *path) {
  char p[PATH_MAX];
  backing(p, path);
  return rmdir(p) == 0 ? 0 : -errno;
}

static int lz_readdir(const char *path, void *buf, fuse_fill_dir_t fill, off_t off,
                      struct fuse_file_info *fi, enum fuse_readdir_flags flags) {
  (void)off;
  (void)fi;
  (void)flags;
  char p[PATH_MAX];
  backing(p, path);
  DIR *dir = opendir(p);
  if (dir == NULL) return -errno;
  struct dirent *ent;
  while ((ent = readdir(dir)) != NULL) {
    struct stat st;
    memset(&st, 0, sizeof st);
    st.st_ino = ent->d_ino;
    st.st_mode = (mode_t)DTTOIF(ent->d_type);
    if (fill(buf, ent->d_name, &st, 0, 0) != 0) break;
  }
  closedir(dir);
  return 0;
}

static int lz_access(const char *path, int mask) {
  if (is_control(path)) return 0;
  char p[PATH_MAX];
  backing(p, path);
  return access(p, mask) == 0 ? 0 : -errno;
}

static int lz_chmod(const char *path, mode_t mode, struct fuse_file_info *fi) {
  if (fi != NULL) return fchmod((int)fi->fh, mode) == 0 ? 0 : -errno;
  if (path == NULL) return -ENOENT;
  char p[PATH_MAX];
  backing(p, path);
  return chmod(p, mode) == 0 ? 0 : -errno;
}

static int lz_utimens(const char *path, const struct timespec tv[2], struct fuse_file_info *fi) {
  if (is_control(path)) return 0;
  if (fi != NULL) return futimens((int)fi->fh, tv) == 0 ? 0 : -errno;
  if (path == NULL) return -ENOENT;
  char p[PATH_MAX];
  backing(p, path);
  return utimensat(AT_FDCWD, p, tv, AT_SYMLINK_NOFOLLOW) == 0 ? 0 : -errno;
}

static int lz_statfs(const char *path, struct statvfs *st) {
  (void)path;
  return statvfs(root, st) == 0 ? 0 : -errno;
}

static int lz_fsyncdir(const char *path, int datasync, struct fuse_file_info *fi) {
  (void)path;
  (void)datasync;
  (void)fi;
  return 0; /* directories change at once (see the top) */
}

static const struct fuse_operations ops = {
    .init = lz_init,
    .getattr = lz_getattr,
    .open = lz_open,
    .create = lz_create,
    .read = lz_read,
    .write = lz_write,
    .truncate = lz_truncate,
    .fsync = lz_fsync,
    .release = lz_release,
    .unlink = lz_unlink,
    .rename = lz_rename,
    .mkdir = lz_mkdir,
    .rmdir = lz_rmdir,
    .readdir = lz_readdir,
    .access = lz_access,
    .chmod = lz_chmod,
    .utimens = lz_utimens,
    .statfs = lz_statfs,
    .fsyncdir = lz_fsyncdir,
};

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <backing-dir> <mountpoint> [fuse options]\n", argv[0]);
    return 2;
  }
  if (realpath(argv[1], root) == NULL) {
    fprintf(stderr, "%s: backing directory %s: %s\n", argv[0], argv[1], strerror(errno));
    return 2;
  }
  const char *max = getenv("MEMLAYER_LAZYFS_UNSYNCED_MAX");
  if (max != NULL) {
    char *end;
    unsigned long long v = strtoull(max, &end, 10);
    /* strtoull takes "-1" for a huge bound: only digits are accepted. */
    if (*max < '0' || *max > '9' || *end != '\0' || v == 0) {
      fprintf(stderr, "%s: MEMLAYER_LAZYFS_UNSYNCED_MAX must be a positive byte count\n", argv[0]);
      return 2;
    }
    unsynced_bytes_max = (size_t)v;
  }
  /* FUSE sees argv without the backing directory. */
  argv[1] = argv[0];
  return fuse_main(argc - 1, argv + 1, &ops, NULL);
}
