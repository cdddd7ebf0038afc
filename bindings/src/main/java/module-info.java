/**
 * The FFM bindings of the jmamba native library, generated from {@code jmamba.h}, and its loader.
 * The only module that calls restricted FFM methods (it links the library and its functions):
 * grant it native access with {@code --enable-native-access=org.jmamba.bindings}.
 */
module org.jmamba.bindings {
    exports org.jmamba.bindings;
}
