# Cross-compiling for arm64 Linux with Debian's gcc-aarch64-linux-gnu; ctest
# runs the test programs under qemu-aarch64-static (qemu-user-static), or
# directly where the build machine is an arm64 itself.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
if(NOT CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static;-L;/usr/aarch64-linux-gnu)
endif()
