package dev.stepwise.models;

import java.util.Locale;

/**
 * One configuration key, declared once: its name in properties files, its type, default, valid values and meaning.
 * The environment variable and the command-line flag are derived from the name, so that the CLI can layer
 * defaults &lt; properties file &lt; environment &lt; flags without a second list of names.
 *
 * @param name         dotted name, e.g. {@code openai.base.url}
 * @param type         how the value is read
 * @param defaultValue the default as text, or null when there is none
 * @param validValues  the values accepted, for help texts and error messages, e.g. {@code [0,1]}
 * @param description  what the key does
 */
public record ConfigKey(String name, Type type, String defaultValue, String validValues, String description) {

    /** How a value is read. {@code PASSWORD} is a string that must never be logged. */
    public enum Type { STRING, LONG, INT, DOUBLE, URL, PASSWORD }

    /** {@code openai.base.url} becomes {@code STEPWISE_OPENAI_BASE_URL}. */
    public String envVar() {
        return "STEPWISE_" + name.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    /** {@code openai.base.url} becomes {@code --openai-base-url}. */
    public String flag() {
        return "--" + name.replace('.', '-');
    }
}
