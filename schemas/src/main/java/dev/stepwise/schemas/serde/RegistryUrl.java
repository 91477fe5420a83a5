package dev.stepwise.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A registry's base URL taken apart: the form that may be printed (no {@code user:secret@}, no trailing slash),
 * its host for messages, and the {@code Authorization} header its credentials make (null without any). The
 * secret never leaves this record except in that header.
 *
 * @param printable     base URL without credentials and trailing slashes
 * @param host          the host, for messages
 * @param authorization {@code Basic ...}, or null when the URL carries no credentials
 */
record RegistryUrl(String printable, String host, String authorization) {

    /** @throws IllegalArgumentException when the URL is not an absolute http(s) URL with a host */
    static RegistryUrl of(final URI baseUrl) {
        if (baseUrl.getScheme() == null || !(baseUrl.getScheme().equalsIgnoreCase("http")
                || baseUrl.getScheme().equalsIgnoreCase("https")) || baseUrl.getHost() == null) {
            throw new IllegalArgumentException("Schema registry URL must be an absolute http(s) URL such as "
                    + "http://127.0.0.1:8081, got '" + withoutUserInfo(baseUrl) + "'");
        }
        return new RegistryUrl(stripTrailingSlashes(withoutUserInfo(baseUrl)), baseUrl.getHost(),
                basicAuthorization(baseUrl.getRawUserInfo()));
    }

    String url(final String path) {
        return printable + path;
    }

    @Override
    public String toString() {
        return printable;
    }

    private static String stripTrailingSlashes(final String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    /** The URL without {@code user:secret@}: the form that may be printed. */
    private static String withoutUserInfo(final URI uri) {
        if (uri.getRawUserInfo() == null) {
            return uri.toString();
        }
        final StringBuilder out = new StringBuilder();
        out.append(uri.getScheme()).append("://").append(uri.getRawAuthority().substring(uri.getRawUserInfo().length() + 1));
        if (uri.getRawPath() != null) {
            out.append(uri.getRawPath());
        }
        if (uri.getRawQuery() != null) {
            out.append('?').append(uri.getRawQuery());
        }
        return out.toString();
    }

    private static String basicAuthorization(final String rawUserInfo) {
        if (rawUserInfo == null || rawUserInfo.isEmpty()) {
            return null;
        }
        final int colon = rawUserInfo.indexOf(':');
        final String user = percentDecode(colon < 0 ? rawUserInfo : rawUserInfo.substring(0, colon));
        final String secret = colon < 0 ? "" : percentDecode(rawUserInfo.substring(colon + 1));
        final byte[] token = (user + ":" + secret).getBytes(StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(token);
    }

    /**
     * Decodes %XX escapes as UTF-8. Not {@code URLDecoder}: that turns '+' into a space, and Confluent
     * Cloud secrets may contain '+'.
     */
    private static String percentDecode(final String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        int i = 0;
        while (i < raw.length()) {
            if (raw.charAt(i) == '%' && i + 2 < raw.length() && isHex(raw.charAt(i + 1)) && isHex(raw.charAt(i + 2))) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 3;
            } else {
                final int end = i + Character.charCount(raw.codePointAt(i));
                out.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(final char c) {
        return Character.digit(c, 16) >= 0;
    }
}
