/* Batched client socket I/O (io.c): entry points registered by addon.c. */
#ifndef MEMLAYER_IO_H
#define MEMLAYER_IO_H
#include <node_api.h>

napi_value io_init(napi_env env, napi_callback_info info);
napi_value io_adopt(napi_env env, napi_callback_info info);
napi_value io_write(napi_env env, napi_callback_info info);
napi_value io_read(napi_env env, napi_callback_info info);
napi_value io_end(napi_env env, napi_callback_info info);
napi_value io_close(napi_env env, napi_callback_info info);

#endif
