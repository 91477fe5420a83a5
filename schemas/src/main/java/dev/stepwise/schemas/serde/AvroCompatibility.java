package dev.stepwise.schemas.serde;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;

/**
 * Whether data written with one Avro schema can be read with another, in words: Avro's
 * {@link SchemaCompatibility} check, with its JSON-pointer locations ({@code /fields/2/type}) turned
 * into field paths ({@code score}, {@code context.priorSteps[]}). "reader can read writer" is what
 * Confluent calls BACKWARD when the reader is the new schema and the writer the previous one.
 */
public final class AvroCompatibility {

    private AvroCompatibility() {
    }

    /**
     * What keeps {@code reader} from reading data written with {@code writer}, one line per problem;
     * empty when it can.
     */
    public static List<String> problems(final Schema reader, final Schema writer) {
        final SchemaCompatibility.SchemaPairCompatibility pair =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        final List<String> problems = new ArrayList<>();
        for (final Incompatibility incompatibility : pair.getResult().getIncompatibilities()) {
            problems.add(fieldPath(reader, incompatibility.getLocation()) + ": " + describe(incompatibility));
        }
        if (problems.isEmpty()) {
            problems.add(reader.getFullName() + ": " + pair.getDescription());
        }
        return List.copyOf(problems);
    }

    /** True when {@code reader} can read everything written with {@code writer}. */
    public static boolean canRead(final Schema reader, final Schema writer) {
        return problems(reader, writer).isEmpty();
    }

    private static String describe(final Incompatibility incompatibility) {
        return switch (incompatibility.getType()) {
            case READER_FIELD_MISSING_DEFAULT_VALUE ->
                    "field has no default, so data written without it cannot be read (add \"default\")";
            case MISSING_ENUM_SYMBOLS ->
                    "enum symbols " + incompatibility.getMessage() + " were written but the reader does not know them "
                            + "and the enum has no default";
            default -> incompatibility.getType() + ": " + incompatibility.getMessage();
        };
    }

    /**
     * Turns a location such as {@code /fields/10/type/fields/1/type/items} into {@code context.priorSteps[]},
     * walking the reader schema. Falls back to the raw location where the walk does not fit.
     */
    static String fieldPath(final Schema reader, final String location) {
        final String[] tokens = location.split("/");
        final StringBuilder path = new StringBuilder();
        Schema current = reader;
        try {
            for (int i = 0; i < tokens.length; i++) {
                final String token = tokens[i];
                if (token.isEmpty() || token.equals("type")) {
                    continue;
                }
                if (token.equals("fields") && i + 1 < tokens.length && current.getType() == Schema.Type.RECORD) {
                    final Schema.Field field = current.getFields().get(Integer.parseInt(tokens[++i]));
                    path.append(path.isEmpty() ? "" : ".").append(field.name());
                    current = field.schema();
                } else if (token.equals("items") && current.getType() == Schema.Type.ARRAY) {
                    path.append("[]");
                    current = current.getElementType();
                } else if (token.equals("values") && current.getType() == Schema.Type.MAP) {
                    path.append("{}");
                    current = current.getValueType();
                } else if (current.getType() == Schema.Type.UNION && token.chars().allMatch(Character::isDigit)) {
                    current = current.getTypes().get(Integer.parseInt(token));
                } else {
                    break; // symbols, size, name: the path so far names the field
                }
            }
        } catch (RuntimeException e) {
            return location;
        }
        return path.isEmpty() ? reader.getFullName() : path.toString();
    }
}
