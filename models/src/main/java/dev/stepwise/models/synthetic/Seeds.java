package dev.stepwise.models.synthetic;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Stable 64-bit seeds from a base seed and string ids: FNV-1a over the UTF-8 bytes, finished with MurmurHash3's
 * fmix64 so that nearby inputs land far apart. Written by hand (20 lines) because the module has no hashing
 * library and {@code String.hashCode()} is only 32 bits, which makes collisions between step ids likely
 * in long runs. The result is the same on every JVM and platform, so replays reproduce.
 */
public final class Seeds {

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /** 0xFF never occurs in UTF-8, so ("ab", "c") and ("a", "bc") hash differently. */
    private static final int SEPARATOR = 0xff;

    private Seeds() {
    }

    public static long mix(final long seed, final String... parts) {
        long hash = FNV_OFFSET_BASIS;
        for (int i = 0; i < Long.BYTES; i++) {
            hash = (hash ^ ((seed >>> (8 * i)) & 0xff)) * FNV_PRIME;
        }
        for (final String part : parts) {
            for (final byte b : String.valueOf(part).getBytes(StandardCharsets.UTF_8)) {
                hash = (hash ^ (b & 0xff)) * FNV_PRIME;
            }
            hash = (hash ^ SEPARATOR) * FNV_PRIME;
        }
        return fmix64(hash);
    }

    public static SplittableRandom random(final long seed, final String... parts) {
        return new SplittableRandom(mix(seed, parts));
    }

    private static long fmix64(final long value) {
        long k = value;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
