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
 * write's middle included) and drop the rest, and likewise keep a prefix of the name changes
 * not yet durable and undo the rest: a power loss that caught the disk mid-writeback.
 * Read it for "unsynced_bytes N files M names K" (K: name changes not yet durable).
 *
 * What waits for fsync (or fdatasync): file data, and a file's size grown by writes. Names wait
 * too: creating, renaming and removing files and directories reach the backing directory at
 * once, but each change is journalled and a loss undoes, newest first, every change not yet
 * made durable. A change becomes durable when its directory is fsynced (and with it every older
 * change to the same names), or when a file or directory is fsynced for the first time since
 * it was created: that syncs its directory too, and so on up through directories never synced
 * since their own creation, as ext4 without a journal does (ext4_sync_parent; LevelDB relies on
 * it for its new log files). A rename or a removal has no such rule, so a missing directory
 * fsync after one is caught. This is stricter than a journalling filesystem, where any fsync
 * makes every earlier name change durable, and within what POSIX allows. A removed or replaced
 * file waits, until its removal is durable, in a hidden directory of the backing directory; one
 * removed while open, under FUSE's .fuse_hidden name until it is closed. Truncation is done at
 * once and never undone.
 *
 * At most 1 GiB is held unsynced, over all files (MEMLAYER_LAZYFS_UNSYNCED_MAX sets another
 * bound, in bytes); a write past that fails with ENOSPC and changes nothing. Likewise at most
 * 2^16 name changes are pending (MEMLAYER_LAZYFS_CHANGES_MAX). Changes are matched to a
 * directory by path: renaming a directory with changes pending inside is not modelled.
 * Single-threaded (the caller passes -s): no locking anywhere.
 */
#define FUSE_USE_VERSION 35
#define _GNU_SOURCE
#include <fuse.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

static const char *CONTROL = "/.lazyfs";
/* Where removed and replaced files wait until their removal is durable; never shown. */
static const char *TRASH = "/.lazyfs-trash";
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

/* The backing path of a mount path; one too long for PATH_MAX becomes "", which names nothing. */
static void backing(char *out, const char *path) {
  size_t a = strlen(root), b = strlen(path);
  if (a + b >= PATH_MAX) {
    out[0] = '\0';
    return;
  }
  memcpy(out, root, a);
  memcpy(out + a, path, b + 1);
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

/* One name change not yet durable. */
enum change_kind {
  CREATED, /* path was made (a file, or a directory if is_dir); undone by removing it */
  REMOVED, /* path was removed; what it named waits at stash */
  RENAMED, /* from was renamed to path; what path named before, if anything, waits at stash */
};

struct change {
  enum change_kind kind;
  int is_dir;
  int marked;                 /* to be made durable by the directory fsync under way */
  char *path;
  char *from;                 /* RENAMED only */
  char *hidden;               /* REMOVED while open: where FUSE keeps it until it is closed */
  unsigned long long stash;   /* its number in the trash, or 0 */
  struct change *prev, *next; /* older, newer */
};

/* Name changes held pending at most; past it, one more fails with ENOSPC and changes nothing.
 * MEMLAYER_LAZYFS_CHANGES_MAX in the environment sets another. */
static size_t changes_max = (size_t)1 << 16;
static struct change *oldest, *newest;
static size_t pending_changes;
static unsigned long long stash_seq;

static void record(struct change *c) {
  c->prev = newest;
  c->next = NULL;
  if (newest != NULL) newest->next = c;
  else oldest = c;
  newest = c;
  pending_changes++;
}

static void free_change(struct change *c) {
  free(c->path);
  free(c->from);
  free(c->hidden);
  free(c);
}

static void unlink_change(struct change *c) {
  if (c->prev != NULL) c->prev->next = c->next;
  else oldest = c->next;
  if (c->next != NULL) c->next->prev = c->prev;
  else newest = c->prev;
  pending_changes--;
  free_change(c);
}

/* A change to record once done: 0, or -ENOSPC past the bound, or -ENOMEM. */
static int new_change(enum change_kind kind, const char *path, const char *from,
                      struct change **out) {
  if (pending_changes >= changes_max) return -ENOSPC;
  struct change *c = calloc(1, sizeof *c);
  if (c == NULL) return -ENOMEM;
  c->kind = kind;
  c->path = strdup(path);
  c->from = from == NULL ? NULL : strdup(from);
  if (c->path == NULL || (from != NULL && c->from == NULL)) {
    free_change(c);
    return -ENOMEM;
  }
  *out = c;
  return 0;
}

/* The directory a mount path is in ("/" for a name at the top). */
static void parent_of(char *out, const char *path) {
  snprintf(out, PATH_MAX, "%s", path);
  char *slash = strrchr(out, '/');
  if (slash == NULL || slash == out) snprintf(out, PATH_MAX, "/");
  else *slash = '\0';
}

static int in_dir(const char *path, const char *dir) {
  char p[PATH_MAX];
  parent_of(p, path);
  return strcmp(p, dir) == 0;
}

static int remove_backing(const char *p) {
  struct stat st;
  if (lstat(p, &st) != 0) return errno == ENOENT ? 0 : -errno;
  return (S_ISDIR(st.st_mode) ? rmdir(p) : unlink(p)) == 0 ? 0 : -errno;
}

/* The backing path of stash number `n`. */
static void stash_path(char *out, unsigned long long n) {
  char name[64];
  snprintf(name, sizeof name, "%s/%llu", TRASH, n);
  backing(out, name);
}

/* Moves whatever the backing path `p` names into the trash; `c->stash` says where. */
static int stash_away(const char *p, struct change *c) {
  char stash[PATH_MAX];
  stash_path(stash, ++stash_seq);
  if (rename(p, stash) != 0) return -errno;
  c->stash = stash_seq;
  return 0;
}

/* The change is durable: what it removed is gone for good (one removed while still open is
 * gone when it is closed). Housekeeping: a failure is logged, never the caller's fsync error. */
static void commit(struct change *c) {
  if (c->stash != 0) {
    char stash[PATH_MAX];
    stash_path(stash, c->stash);
    int r = remove_backing(stash);
    if (r != 0) fprintf(stderr, "lazyfs: cannot empty %s: %s\n", stash, strerror(-r));
  }
  unlink_change(c);
}

/* The change never reached the disk: puts back what was there before it. */
static int undo(struct change *c) {
  char p[PATH_MAX], q[PATH_MAX], stash[PATH_MAX];
  int r = 0;
  backing(p, c->path);
  stash_path(stash, c->stash);
  switch (c->kind) {
  case CREATED:
    /* Renamed away by a change that is durable, it stays: ENOENT is no failure. */
    if ((c->is_dir ? rmdir(p) : unlink(p)) != 0 && errno != ENOENT) r = -errno;
    break;
  case REMOVED:
    if (c->hidden != NULL) backing(q, c->hidden);
    if (rename(c->hidden != NULL ? q : stash, p) != 0) r = -errno;
    break;
  case RENAMED:
    backing(q, c->from);
    if (rename(p, q) != 0) r = -errno;
    else if (c->stash != 0 && rename(stash, p) != 0) r = -errno;
    break;
  }
  /* Left in the trash if it could not be put back; the next mount empties the trash. */
  static const char *const done[] = {"creation of", "removal of", "rename to"};
  if (r != 0) fprintf(stderr, "lazyfs: cannot undo a change of %s: %s\n", c->path, strerror(-r));
  else fprintf(stderr, "lazyfs: undid the %s %s\n", done[c->kind], c->path);
  unlink_change(c);
  return r;
}

static int same(const char *a, const char *b) {
  return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Whether two changes touch a name in common. */
static int share_name(const struct change *a, const struct change *b) {
  const char *an[] = {a->path, a->from, a->hidden}, *bn[] = {b->path, b->from, b->hidden};
  for (size_t i = 0; i < 3; i++)
    for (size_t j = 0; j < 3; j++)
      if (same(an[i], bn[j])) return 1;
  return 0;
}

/* An fsync of directory `dir`: every change in it is durable, and with each, every older change
 * to a name it touches (a rename from another directory cannot be durable while what happened
 * before to its names can still be undone: undoing that would undo part of it). */
static void commit_dir(const char *dir) {
  for (struct change *c = oldest; c != NULL; c = c->next)
    c->marked = in_dir(c->path, dir) || (c->kind == RENAMED && in_dir(c->from, dir));
  for (int grew = 1; grew;) {
    grew = 0;
    for (struct change *c = newest; c != NULL; c = c->prev) {
      if (!c->marked) continue;
      for (struct change *o = c->prev; o != NULL; o = o->prev) {
        if (o->marked || !share_name(o, c)) continue;
        o->marked = 1;
        grew = 1;
      }
    }
  }
  for (struct change *c = oldest, *next; c != NULL; c = next) {
    next = c->next;
    if (c->marked) commit(c);
  }
}

/* Inodes created here and never fsynced since (ext4's EXT4_STATE_NEWENTRY): a small set. */
static ino_t *fresh;
static size_t fresh_count, fresh_cap;

static void add_fresh(ino_t ino) {
  for (size_t i = 0; i < fresh_count; i++)
    if (fresh[i] == ino) return;
  if (fresh_count == fresh_cap) {
    size_t cap = fresh_cap == 0 ? 64 : fresh_cap * 2;
    ino_t *grown = realloc(fresh, cap * sizeof *grown);
    if (grown == NULL) return; /* then its first fsync syncs less: stricter, never wrong */
    fresh = grown;
    fresh_cap = cap;
  }
  fresh[fresh_count++] = ino;
}

/* Whether `ino` was fresh; it is not any more. */
static int take_fresh(ino_t ino) {
  for (size_t i = 0; i < fresh_count; i++) {
    if (fresh[i] != ino) continue;
    fresh[i] = fresh[--fresh_count];
    return 1;
  }
  return 0;
}

/* An fsync of the file or directory at `path`: the first one since it was created syncs its
 * directory too, and so up through directories never fsynced since their own creation (ext4's
 * ext4_sync_parent; a directory's fsync does not count for the files in it). */
static void commit_creation(const char *path, ino_t ino) {
  char dir[PATH_MAX], next[PATH_MAX];
  snprintf(dir, PATH_MAX, "%s", path);
  while (strcmp(dir, "/") != 0 && take_fresh(ino)) {
    parent_of(next, dir);
    commit_dir(next);
    snprintf(dir, PATH_MAX, "%s", next);
    char p[PATH_MAX];
    backing(p, dir);
    struct stat st;
    if (lstat(p, &st) != 0) return;
    ino = st.st_ino;
  }
}

/* A loss: the `keep` oldest changes reached the disk, the rest are undone, newest first. */
static int settle_changes(size_t keep) {
  int r = 0;
  fresh_count = 0; /* like ext4's, the marks of fresh inodes are in memory only */
  while (newest != NULL && pending_changes > keep) {
    int e = undo(newest);
    if (r == 0) r = e;
  }
  while (oldest != NULL) commit(oldest);
  return r;
}

static int rm_entry(const char *p, const struct stat *st, int type, struct FTW *ftw) {
  (void)st;
  (void)type;
  (void)ftw;
  remove(p);
  return 0;
}

/* Left by a daemon that was killed: its pending removals are taken as done. */
static void empty_trash(void) {
  char p[PATH_MAX];
  backing(p, TRASH);
  nftw(p, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Keeps a random prefix of each file's unsynced writes (on its backing file), drops the rest;
 * keeps a random prefix of the pending name changes, undoes the rest. */
static int tear_all(uint64_t seed) {
  uint64_t state = seed == 0 ? 0x9E3779B97F4A7C15ULL : seed;
  int r = 0;
  for (struct dirty *d = dirty_files; d != NULL; d = d->next) {
    size_t total = 0;
    for (struct extent *e = d->head; e != NULL; e = e->next) total += e->len;
    size_t keep = (size_t)(next_random(&state) % (total + 1));
    for (struct extent *e = d->head; e != NULL && keep > 0; e = e->next) {
      size_t len = e->len < keep ? e->len : keep;
      int w = write_fully(d->fd, e->data, len, e->off);
      if (w != 0 && r == 0) r = w; /* the rest of the tear goes on: it is one event */
      keep -= len;
    }
  }
  drop_all();
  int n = settle_changes((size_t)(next_random(&state) % (pending_changes + 1)));
  return r != 0 ? r : n;
}

/* Writes a file's extents to its backing file, in order, then syncs it (and its creation). */
static int sync_file(const char *path, int fd, int datasync) {
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
  if (path != NULL) commit_creation(path, st.st_ino);
  return 0;
}

/* A NULL path is still possible in principle (libfuse's nullpath_ok); never dereferenced. */
static int is_control(const char *path) {
  return path != NULL && strcmp(path, CONTROL) == 0;
}

static int is_trash(const char *path) {
  size_t n = strlen(TRASH);
  return path != NULL && strncmp(path, TRASH, n) == 0 && (path[n] == '\0' || path[n] == '/');
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
  if (is_trash(path)) return -ENOENT;
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
  if (is_trash(path)) return -EPERM;
  char p[PATH_MAX];
  backing(p, path);
  struct change *c = NULL;
  int r = new_change(CREATED, path, NULL, &c);
  if (r != 0) return r;
  int flags = (fi->flags & ~(O_ACCMODE | O_APPEND)) | O_RDWR;
  int fd = open(p, flags | O_CREAT | O_EXCL, mode);
  if (fd < 0 && errno == EEXIST && !(fi->flags & O_EXCL)) {
    free_change(c); /* made meanwhile by someone else: opened, nothing made here */
    c = NULL;
    fd = open(p, flags & ~O_CREAT);
  }
  if (fd < 0) {
    int err = errno;
    if (c != NULL) free_change(c);
    return -err;
  }
  if (c != NULL) record(c); /* the name exists now, whatever follows */
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return -err;
  }
  /* Made here, a reused inode number starts clean; opened with O_TRUNC, unsynced data goes. */
  if (c != NULL || (fi->flags & O_TRUNC)) drop(st.st_ino);
  if (c != NULL) add_fresh(st.st_ino);
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
  int n = snprintf(text, sizeof text, "unsynced_bytes %zu files %zu names %zu\n", bytes, files,
                   pending_changes);
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
      int r = settle_changes(0);
      return r != 0 ? -EIO : (int)size;
    }
    if (sscanf(command, "tear %llu", &seed) == 1) {
      int r = tear_all((uint64_t)seed);
      return r != 0 ? -EIO : (int)size;
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
  return sync_file(path, (int)fi->fh, datasync);
}

static int lz_release(const char *path, struct fuse_file_info *fi) {
  if (!is_control(path)) close((int)fi->fh);
  return 0;
}

static int dir_empty(const char *p) {
  DIR *dir = opendir(p);
  if (dir == NULL) return 0;
  struct dirent *ent;
  int empty = 1;
  while (empty && (ent = readdir(dir)) != NULL)
    empty = strcmp(ent->d_name, ".") == 0 || strcmp(ent->d_name, "..") == 0;
  closedir(dir);
  return empty;
}

/* FUSE keeps a file removed while open under such a name until it is closed (not hard_remove). */
static int is_fuse_hidden(const char *path) {
  const char *base = strrchr(path, '/');
  return base != NULL && strncmp(base + 1, ".fuse_hidden", 12) == 0;
}

/* A file removed while open is closed, and FUSE removes its hidden name: if the removal is not
 * durable yet, the file waits in the trash for it; if it is, the file is gone (an orphan, which a
 * real filesystem reclaims at mount). */
static int unhide(const char *path, const char *p) {
  for (struct change *c = newest; c != NULL; c = c->prev) {
    if (!same(c->hidden, path)) continue;
    int r = stash_away(p, c);
    if (r != 0) return r;
    free(c->hidden);
    c->hidden = NULL;
    return 0;
  }
  return unlink(p) == 0 ? 0 : -errno;
}

/* Removing a name (unlink, rmdir): what it named goes to the trash until the removal is durable. */
static int remove_name(const char *path, int is_dir) {
  if (is_control(path)) return -EPERM;
  char p[PATH_MAX];
  backing(p, path);
  struct stat st;
  if (lstat(p, &st) != 0) return -errno;
  if (S_ISDIR(st.st_mode) != is_dir) return is_dir ? -ENOTDIR : -EISDIR;
  if (is_dir && !dir_empty(p)) return -ENOTEMPTY;
  struct change *c = NULL;
  int r = is_fuse_hidden(path) ? unhide(path, p) : new_change(REMOVED, path, NULL, &c);
  if (r == 0 && c != NULL) r = stash_away(p, c);
  if (r != 0) {
    if (c != NULL) free_change(c);
    return r;
  }
  if (c != NULL) record(c);
  if (!is_dir && st.st_nlink == 1) { /* its last name: its unsynced data goes with it */
    drop(st.st_ino);
    take_fresh(st.st_ino);
  }
  return 0;
}

static int lz_unlink(const char *path) {
  return remove_name(path, 0);
}


/* FUSE hides a file removed while open by renaming it: that is the file's removal, and undone
 * it comes back under its name, not under the hidden one. */
static int hide(const char *from, const char *to, const char *a, const char *b) {
  struct change *c = NULL;
  int r = new_change(REMOVED, from, NULL, &c);
  if (r != 0) return r;
  c->hidden = strdup(to);
  if (c->hidden == NULL) {
    free_change(c);
    return -ENOMEM;
  }
  if (rename(a, b) != 0) {
    r = -errno;
    free_change(c);
    return r;
  }
  record(c);
  return 0;
}

static int lz_rename(const char *from, const char *to, unsigned int flags) {
  if (is_control(from) || is_control(to) || is_trash(to)) return -EPERM;
  /* An exchange would need undoing as one; nothing here uses it. */
  if (flags & ~(unsigned int)RENAME_NOREPLACE) return -EINVAL;
  char a[PATH_MAX], b[PATH_MAX];
  backing(a, from);
  backing(b, to);
  struct stat src, st;
  if (lstat(a, &src) != 0) return -errno;
  int exists = lstat(b, &st) == 0;
  if (exists && (flags & RENAME_NOREPLACE)) return -EEXIST;
  if (exists && src.st_ino == st.st_ino) return 0; /* the same file: rename does nothing */
  if (exists && S_ISDIR(st.st_mode) != S_ISDIR(src.st_mode))
    return S_ISDIR(st.st_mode) ? -EISDIR : -ENOTDIR;
  if (exists && S_ISDIR(st.st_mode) && !dir_empty(b)) return -ENOTEMPTY;
  if (!exists && is_fuse_hidden(to)) return hide(from, to, a, b);
  struct change *c = NULL;
  int r = new_change(RENAMED, to, from, &c);
  if (r == 0 && exists) r = stash_away(b, c);
  if (r == 0 && rename(a, b) != 0) {
    r = -errno;
    if (exists) {
      char stash[PATH_MAX];
      stash_path(stash, c->stash);
      if (rename(stash, b) != 0) /* put back what it would have replaced */
        fprintf(stderr, "lazyfs: %s is left at %s: %s\n", to, stash, strerror(errno));
    }
  }
  if (r != 0) {
    if (c != NULL) free_change(c);
    return r;
  }
  record(c);
  if (exists && S_ISREG(st.st_mode) && st.st_nlink == 1) drop(st.st_ino);
  return 0;
}

static int lz_mkdir(const char *path, mode_t mode) {
  if (is_control(path) || is_trash(path)) return -EPERM;
  char p[PATH_MAX];
  backing(p, path);
  struct change *c = NULL;
  int r = new_change(CREATED, path, NULL, &c);
  if (r != 0) return r;
  if (mkdir(p, mode) != 0) {
    int err = errno;
    free_change(c);
    return -err;
  }
  c->is_dir = 1;
  record(c);
  struct stat st;
  if (lstat(p, &st) != 0) return -errno;
  add_fresh(st.st_ino);
  return 0;
}

static int lz_rmdir(const char *path) {
  return remove_name(path, 1);
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
  int top = strcmp(path, "/") == 0;
  while ((ent = readdir(dir)) != NULL) {
    if (top && strcmp(ent->d_name, TRASH + 1) == 0) continue;
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
  (void)datasync;
  (void)fi;
  if (path == NULL) return -ENOENT;
  char p[PATH_MAX];
  backing(p, path);
  int fd = open(p, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return -errno;
  int r = fsync(fd) == 0 ? 0 : -errno;
  close(fd);
  if (r != 0) return r;
  commit_dir(path);
  /* A directory whose own creation is not durable is synced up its new ancestors too. */
  struct stat st;
  if (strcmp(path, "/") != 0 && lstat(p, &st) == 0) commit_creation(path, st.st_ino);
  return 0;
}

/* Unmounted, the disk keeps power: every pending change is durable. */
static void lz_destroy(void *data) {
  (void)data;
  settle_changes(pending_changes);
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
    .destroy = lz_destroy,
};

/* A bound from the environment, if set there: -1 unless a positive count of digits only
 * (strtoull alone takes "-1" for a huge one). */
static int bound_from_env(const char *name, size_t *bound) {
  const char *text = getenv(name);
  if (text == NULL) return 0;
  char *end;
  unsigned long long v = strtoull(text, &end, 10);
  if (*text < '0' || *text > '9' || *end != '\0' || v == 0) return -1;
  *bound = (size_t)v;
  return 0;
}

int main(int argc, char *argv[]) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s <backing-dir> <mountpoint> [fuse options]\n", argv[0]);
    return 2;
  }
  if (realpath(argv[1], root) == NULL) {
    fprintf(stderr, "%s: backing directory %s: %s\n", argv[0], argv[1], strerror(errno));
    return 2;
  }
  if (bound_from_env("MEMLAYER_LAZYFS_UNSYNCED_MAX", &unsynced_bytes_max) != 0 ||
      bound_from_env("MEMLAYER_LAZYFS_CHANGES_MAX", &changes_max) != 0) {
    fprintf(stderr, "%s: MEMLAYER_LAZYFS_UNSYNCED_MAX and _CHANGES_MAX must be positive counts\n",
            argv[0]);
    return 2;
  }
  empty_trash();
  char trash[PATH_MAX];
  backing(trash, TRASH);
  if (mkdir(trash, 0700) != 0) {
    fprintf(stderr, "%s: %s: %s\n", argv[0], trash, strerror(errno));
    return 2;
  }
  /* FUSE sees argv without the backing directory. */
  argv[1] = argv[0];
  return fuse_main(argc - 1, argv + 1, &ops, NULL);
}
