/*
 * Client socket I/O for the RESP server, batched per event-loop turn.
 *
 * Node delivers every read of every socket through its own JS entry (MakeCallback, the stream
 * machinery, a microtask checkpoint) and every write through a Writable and a WriteWrap: with
 * fifty unpipelined clients that per-event path costs as much CPU as parsing and running the
 * commands. Here the sockets are polled by libuv handles in Node's own loop; reads of all
 * sockets that are ready in one turn go into one shared buffer and are handed to JS in ONE
 * call from a check handle (which runs right after the poll phase, before Node's setImmediate
 * queue), as records [type, id, offset, length] in a shared Int32Array. Writes go straight to
 * the socket from JS (`write`); only what the kernel does not take is copied and queued.
 *
 * Ownership: JS accepts with Node's listener and hands the accepted descriptor to `adopt`,
 * which duplicates it (the caller then closes Node's handle). A connection is freed only by
 * `close`. Events of a connection closed earlier in the same batch name an id that is no
 * longer in use; ids carry a generation, so such an event never reaches a newer connection.
 *
 * Everything runs on the loop's thread: the poll and check callbacks and the JS calls.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "io.h"

enum { EV_DATA = 1, EV_EOF = 2, EV_ERROR = 3, EV_DRAIN = 4 };

#define READ_BYTES (64 * 1024)   /* most one read takes, as Node's own reads */
#define BATCH_BYTES (1024 * 1024) /* shared read buffer: up to 16 full reads per batch */
#define MAX_EVENTS 4096
#define EVENT_INTS 4
#define SLOT_BITS 16
#define MAX_SLOTS (1 << SLOT_BITS)

typedef struct conn {
  uv_poll_t poll; /* poll.data points back here */
  int fd;
  int32_t id;
  int reading;   /* wants UV_READABLE (not paused, no EOF seen) */
  int eof;       /* the peer ended its side: nothing more to read */
  int ending;    /* shut the write side down once the queue is written */
  int failed;    /* an error was seen: no more I/O, only close */
  int shut;      /* the write side is shut down */
  int polled;    /* the mask the poll handle was last started with */
  uint8_t *out;  /* queued output: [out_start, out_end) of a buffer of out_cap bytes */
  size_t out_start, out_end, out_cap;
  /* The undelivered EV_DRAIN of this conn, if drain_batch is the current batch. */
  uint32_t drain_batch, drain_index;
} conn;

typedef struct io_state {
  napi_env env;
  uv_loop_t *loop;
  uv_check_t check;
  napi_ref callback;
  napi_ref resource;
  napi_async_context context;
  uint8_t *read_buf; /* BATCH_BYTES, owned by a JS Buffer kept alive by read_ref */
  napi_ref read_ref;
  int32_t *events; /* MAX_EVENTS * EVENT_INTS, owned by a JS ArrayBuffer */
  napi_ref events_ref;
  size_t read_len;
  size_t event_count;
  uint32_t batch; /* counts delivered batches */
  int dispatching;
  conn *slots[MAX_SLOTS];
  uint16_t generation[MAX_SLOTS];
  int next_free_hint;
} io_state;

static io_state *state = NULL;

static conn *lookup(int32_t id) {
  if (state == NULL || id < 0) return NULL;
  conn *c = state->slots[id & (MAX_SLOTS - 1)];
  return c != NULL && c->id == id ? c : NULL;
}

static size_t push_event(int type, conn *c, int32_t a, int32_t b) {
  int32_t *e = state->events + state->event_count * EVENT_INTS;
  e[0] = type;
  e[1] = c->id;
  e[2] = a;
  e[3] = b;
  return state->event_count++;
}

/* Output queued after a drain was seen: the undelivered EV_DRAIN is no longer true. */
static void retract_drain(conn *c) {
  if (c->drain_batch != state->batch || c->drain_index >= state->event_count) return;
  int32_t *e = state->events + (size_t)c->drain_index * EVENT_INTS;
  if (e[0] == EV_DRAIN && e[1] == c->id) e[0] = 0;
}

/* Calls JS once with every queued event (only poll callbacks queue events, never JS calls). */
static void dispatch(void) {
  if (state->dispatching || state->event_count == 0) return;
  state->dispatching = 1;
  napi_env env = state->env;
  napi_handle_scope scope;
  napi_open_handle_scope(env, &scope);
  napi_value fn, resource, argv[1], result;
  napi_get_reference_value(env, state->callback, &fn);
  napi_get_reference_value(env, state->resource, &resource);
  napi_create_uint32(env, (uint32_t)state->event_count, &argv[0]);
  napi_status status = napi_make_callback(env, state->context, resource, fn, 1, argv, &result);
  state->event_count = 0;
  state->read_len = 0;
  state->batch++;
  state->dispatching = 0;
  if (status == napi_pending_exception) {
    /* An exception in the handler is an uncaught exception, as in any Node callback. */
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

static void on_check(uv_check_t *handle) {
  (void)handle;
  if (state != NULL) dispatch();
}

static void on_poll(uv_poll_t *handle, int status, int events);

static void repoll(conn *c) {
  int mask = 0;
  if (!c->failed) {
    if (c->reading) mask |= UV_READABLE;
    if (c->out_end > c->out_start) mask |= UV_WRITABLE;
  }
  if (mask == c->polled) return;
  c->polled = mask;
  if (mask == 0) uv_poll_stop(&c->poll);
  else uv_poll_start(&c->poll, mask, on_poll);
}

static void fail(conn *c, int error) {
  if (c->failed) return;
  c->failed = 1;
  c->out_start = c->out_end = 0;
  repoll(c);
  push_event(EV_ERROR, c, error, 0);
}

static void shut_down_if_done(conn *c) {
  if (c->ending && !c->shut && !c->failed && c->out_end == c->out_start) {
    c->shut = 1;
    shutdown(c->fd, SHUT_WR);
  }
}

/* Writes as much queued output as the kernel takes; returns 0 or an errno. */
static int write_queued(conn *c) {
  while (c->out_end > c->out_start) {
    ssize_t n = send(c->fd, c->out + c->out_start, c->out_end - c->out_start, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : errno;
    }
    c->out_start += (size_t)n;
  }
  c->out_start = c->out_end = 0;
  if (c->out_cap > 64 * 1024) {
    /* A large reply's queue is not kept for the life of the connection. */
    free(c->out);
    c->out = NULL;
    c->out_cap = 0;
  }
  return 0;
}

static void on_poll(uv_poll_t *handle, int status, int events) {
  conn *c = handle->data;
  if (state == NULL) return;
  /* Room for the two events this call may add; handing a full batch over may close c. */
  if (state->event_count + 2 > MAX_EVENTS) dispatch();
  if (lookup(c->id) != c || c->failed) return;
  if (status < 0) {
    /* libuv reports any POLLERR as EBADF; the socket knows the real error (ECONNRESET, ...). */
    int error = 0;
    socklen_t length = sizeof error;
    if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error == 0)
      error = -status;
    fail(c, error);
    return;
  }
  if (events & UV_WRITABLE) {
    int error = write_queued(c);
    if (error != 0) fail(c, error);
    else if (c->out_end == c->out_start) {
      repoll(c);
      shut_down_if_done(c);
      c->drain_batch = state->batch;
      c->drain_index = (uint32_t)push_event(EV_DRAIN, c, 0, 0);
    }
  }
  if ((events & UV_READABLE) && c->reading && !c->failed) {
    if (BATCH_BYTES - state->read_len < READ_BYTES) {
      dispatch();
      if (lookup(c->id) != c || !c->reading || c->failed) return;
    }
    ssize_t n;
    do n = read(c->fd, state->read_buf + state->read_len, READ_BYTES);
    while (n < 0 && errno == EINTR);
    if (n > 0) {
      push_event(EV_DATA, c, (int32_t)state->read_len, (int32_t)n);
      state->read_len += (size_t)n;
    } else if (n == 0) {
      c->eof = 1;
      c->reading = 0;
      repoll(c);
      push_event(EV_EOF, c, 0, 0);
    } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
      fail(c, errno);
    }
  }
}

static void on_closed(uv_handle_t *handle) {
  conn *c = handle->data;
  close(c->fd);
  free(c->out);
  free(c);
}

/* ---- JS entry points ---------------------------------------------------------------------- */

#define ARGS(N)                                                                        \
  size_t argc = (N);                                                                   \
  napi_value argv[(N) > 0 ? (N) : 1];                                                  \
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < (N)) { \
    napi_throw_type_error(env, NULL, "too few arguments");                             \
    return NULL;                                                                       \
  }

static napi_value number(napi_env env, double v) {
  napi_value out;
  napi_create_double(env, v, &out);
  return out;
}

static int get_int(napi_env env, napi_value v, int32_t *out) {
  if (napi_get_value_int32(env, v, out) == napi_ok) return 1;
  napi_throw_type_error(env, NULL, "expected an integer");
  return 0;
}

/* The environment is going away: no callback may reach JS again. Memory goes with the process. */
static void cleanup(void *arg) {
  (void)arg;
  if (state == NULL) return;
  uv_check_stop(&state->check);
  for (int i = 0; i < MAX_SLOTS; i++)
    if (state->slots[i] != NULL) uv_poll_stop(&state->slots[i]->poll);
  state = NULL;
}

/* io_init(callback) -> { read: Buffer, events: ArrayBuffer }; once per process. */
napi_value io_init(napi_env env, napi_callback_info info) {
  ARGS(1)
  if (state != NULL) {
    napi_throw_error(env, NULL, "io_init: already initialised");
    return NULL;
  }
  io_state *s = calloc(1, sizeof(io_state));
  if (s == NULL) {
    napi_throw_error(env, NULL, "io_init: out of memory");
    return NULL;
  }
  s->env = env;
  napi_value read_buffer, events_buffer, resource, name, result;
  void *data;
  if (napi_get_uv_event_loop(env, &s->loop) != napi_ok ||
      napi_create_buffer(env, BATCH_BYTES, &data, &read_buffer) != napi_ok) {
    free(s);
    napi_throw_error(env, NULL, "io_init: no event loop or buffer");
    return NULL;
  }
  s->read_buf = data;
  napi_create_arraybuffer(env, MAX_EVENTS * EVENT_INTS * sizeof(int32_t), &data, &events_buffer);
  s->events = data;
  napi_create_reference(env, read_buffer, 1, &s->read_ref);
  napi_create_reference(env, events_buffer, 1, &s->events_ref);
  napi_create_reference(env, argv[0], 1, &s->callback);
  napi_create_object(env, &resource);
  napi_create_reference(env, resource, 1, &s->resource);
  napi_create_string_utf8(env, "memlayer.io", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &s->context);
  uv_check_init(s->loop, &s->check);
  uv_check_start(&s->check, on_check);
  uv_unref((uv_handle_t *)&s->check);
  napi_add_env_cleanup_hook(env, cleanup, NULL);
  state = s;
  napi_create_object(env, &result);
  napi_set_named_property(env, result, "read", read_buffer);
  napi_set_named_property(env, result, "events", events_buffer);
  return result;
}

/* io_adopt(fd) -> id >= 0, or -errno. Takes a duplicate of fd; the caller closes its own. */
napi_value io_adopt(napi_env env, napi_callback_info info) {
  ARGS(1)
  int32_t fd;
  if (!get_int(env, argv[0], &fd)) return NULL;
  if (state == NULL) return number(env, -EINVAL);
  int slot = -1;
  for (int i = 0; i < MAX_SLOTS; i++) {
    int candidate = (state->next_free_hint + i) & (MAX_SLOTS - 1);
    if (state->slots[candidate] == NULL) {
      slot = candidate;
      break;
    }
  }
  if (slot < 0) return number(env, -EMFILE);
  int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) return number(env, -errno);
  /* As Redis: a reply must not wait for the client's delayed ACK (fails harmlessly off TCP). */
  int one = 1;
  setsockopt(own, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int flags = fcntl(own, F_GETFL);
  if (flags < 0 || fcntl(own, F_SETFL, flags | O_NONBLOCK) < 0) {
    int error = errno;
    close(own);
    return number(env, -error);
  }
  conn *c = calloc(1, sizeof(conn));
  if (c == NULL) {
    close(own);
    return number(env, -ENOMEM);
  }
  int error = uv_poll_init(state->loop, &c->poll, own);
  if (error != 0) {
    close(own);
    free(c);
    return number(env, error);
  }
  state->generation[slot] = (uint16_t)((state->generation[slot] + 1) & 0x7fff);
  c->fd = own;
  c->id = (int32_t)(((uint32_t)state->generation[slot] << SLOT_BITS) | (uint32_t)slot);
  c->reading = 1;
  c->poll.data = c;
  state->slots[slot] = c;
  state->next_free_hint = slot + 1;
  repoll(c);
  return number(env, c->id);
}

static int ensure_out(conn *c, size_t more) {
  if (c->out_end + more <= c->out_cap) return 1;
  size_t used = c->out_end - c->out_start;
  if (c->out_start > 0 && used > 0) memmove(c->out, c->out + c->out_start, used);
  c->out_start = 0;
  c->out_end = used;
  if (used + more <= c->out_cap) return 1;
  size_t cap = c->out_cap == 0 ? 16384 : c->out_cap;
  while (cap < used + more) cap *= 2;
  uint8_t *next = realloc(c->out, cap);
  if (next == NULL) return 0;
  c->out = next;
  c->out_cap = cap;
  return 1;
}

/*
 * io_write(id, buffer, start, end) -> bytes still queued (>= 0) or -errno. Writes what the
 * kernel takes now and copies the rest; the caller may reuse its buffer at once.
 */
napi_value io_write(napi_env env, napi_callback_info info) {
  ARGS(4)
  int32_t id, start, end;
  void *data;
  size_t length;
  if (!get_int(env, argv[0], &id) || !get_int(env, argv[2], &start) ||
      !get_int(env, argv[3], &end))
    return NULL;
  if (napi_get_buffer_info(env, argv[1], &data, &length) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a Buffer");
    return NULL;
  }
  if (start < 0 || end < start || (size_t)end > length) {
    napi_throw_range_error(env, NULL, "write range out of bounds");
    return NULL;
  }
  conn *c = lookup(id);
  if (c == NULL) return number(env, -EBADF);
  if (c->failed || c->ending) return number(env, -EPIPE);
  const uint8_t *bytes = (const uint8_t *)data + start;
  size_t size = (size_t)(end - start);
  if (c->out_end == c->out_start) {
    while (size > 0) {
      ssize_t n = send(c->fd, bytes, size, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) break;
        int error = errno;
        c->failed = 1;
        repoll(c);
        return number(env, -error);
      }
      bytes += n;
      size -= (size_t)n;
    }
  }
  if (size > 0) {
    if (!ensure_out(c, size)) return number(env, -ENOMEM);
    memcpy(c->out + c->out_end, bytes, size);
    c->out_end += size;
    retract_drain(c);
    repoll(c);
  }
  return number(env, (double)(c->out_end - c->out_start));
}

/* io_read(id, on): starts (1) or stops (0) reading; no-op after EOF or an error. */
napi_value io_read(napi_env env, napi_callback_info info) {
  ARGS(2)
  int32_t id, on;
  if (!get_int(env, argv[0], &id) || !get_int(env, argv[1], &on)) return NULL;
  conn *c = lookup(id);
  if (c != NULL && !c->failed && !c->eof && c->reading != (on != 0)) {
    c->reading = on != 0;
    repoll(c);
  }
  return NULL;
}

/* The connection named by the first argument; NULL (maybe with an exception) if none. */
static conn *conn_arg(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t id;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "too few arguments");
    return NULL;
  }
  return get_int(env, argv[0], &id) ? lookup(id) : NULL;
}

/*
 * io_end(id): shuts the write side down once the queued output is written. Reading goes on
 * (also on a paused connection): the peer's end of input is what completes the close.
 */
napi_value io_end(napi_env env, napi_callback_info info) {
  conn *c = conn_arg(env, info);
  if (c != NULL) {
    c->ending = 1;
    if (!c->eof && !c->failed && !c->reading) {
      c->reading = 1;
      repoll(c);
    }
    shut_down_if_done(c);
  }
  return NULL;
}

/* io_close(id): closes now, dropping queued output; the id is free for reuse. */
napi_value io_close(napi_env env, napi_callback_info info) {
  conn *c = conn_arg(env, info);
  if (c == NULL) return NULL;
  state->slots[c->id & (MAX_SLOTS - 1)] = NULL;
  uv_poll_stop(&c->poll);
  uv_close((uv_handle_t *)&c->poll, on_closed);
  return NULL;
}
