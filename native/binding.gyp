{
  "targets": [
    {
      "target_name": "memlayer_native",
      "sources": ["src/addon.c", "src/kernels.c", "src/io.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-fast-math", "-std=c11"],
      "cflags!": ["-O2", "-O1", "-O0"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-O3", "-ffp-contract=off", "-std=c11"]
      },
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
