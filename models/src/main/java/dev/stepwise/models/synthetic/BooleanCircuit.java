package dev.stepwise.models.synthetic;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * {@code evaluate circuit x1=1 x2=0; g1=AND(x1,x2); g2=NOT(g1); output g2}. Gates are evaluated in order, one per
 * step; the state is the values of g1..gk: {@code g2 = OR(g1,x3) = OR(0,1) = 1; after g2: g1=0 g2=1}.
 */
final class BooleanCircuit implements SerialProblem<BooleanCircuit.Values> {

    static final int MAX_GATES = 100_000;
    private static final List<String> BINARY = List.of("AND", "OR", "XOR");

    private static final Pattern PROBLEM = Pattern.compile("evaluate\\s+circuit\\s+(.*)",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern INPUT = Pattern.compile("(x\\d+)\\s*=\\s*([01])", Pattern.CASE_INSENSITIVE);
    private static final Pattern GATE = Pattern.compile(
            "(g\\d+)\\s*=\\s*(and|or|xor|not)\\s*\\(\\s*([xg]\\d+)\\s*(?:,\\s*([xg]\\d+)\\s*)?\\)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern OUTPUT = Pattern.compile("output\\s+(g\\d+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern STATE = Pattern.compile("after\\s+g(\\d+)\\s*:([^;]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern VALUE = Pattern.compile("g(\\d+)\\s*=\\s*([01])", Pattern.CASE_INSENSITIVE);

    /** Values of g1..gk, in order. */
    record Values(List<Integer> bits) {
        Values {
            bits = List.copyOf(bits);
        }
    }

    /** {@code name = op(operands)}; names lower case ({@code g3}, {@code x1}), op upper case. */
    private record Gate(String name, String op, List<String> operands) {
        String formula() {
            return op + "(" + String.join(",", operands) + ")";
        }
    }

    private enum Slip { WRONG_INPUT, WRONG_GATE, FLIPPED }

    private final Map<String, Integer> inputs;
    private final List<Gate> gates;
    private final int output;

    private BooleanCircuit(final Map<String, Integer> inputs, final List<Gate> gates, final int output) {
        this.inputs = Map.copyOf(inputs);
        this.gates = List.copyOf(gates);
        this.output = output;
    }

    static BooleanCircuit parse(final String text) {
        final Matcher matcher = PROBLEM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new ProblemFormatException("a circuit problem reads 'evaluate circuit x1=1 x2=0; g1=AND(x1,x2); ...;"
                    + " output g1'");
        }
        String body = matcher.group(1).strip();
        body = body.endsWith(".") ? body.substring(0, body.length() - 1) : body;
        final List<String> parts = new ArrayList<>();
        for (final String part : body.split(";")) {
            if (!part.isBlank()) {
                parts.add(part.strip());
            }
        }
        if (parts.size() < 3) {
            throw new ProblemFormatException("a circuit needs inputs, at least one gate and an output, separated by ';'");
        }
        final Map<String, Integer> inputs = parseInputs(parts.get(0));
        final List<Gate> gates = new ArrayList<>();
        for (final String part : parts.subList(1, parts.size() - 1)) {
            gates.add(parseGate(part, inputs, gates.size() + 1));
        }
        if (gates.size() > MAX_GATES) {
            throw new ProblemFormatException("a circuit may have at most " + MAX_GATES + " gates");
        }
        final Matcher out = OUTPUT.matcher(parts.get(parts.size() - 1));
        if (!out.matches()) {
            throw new ProblemFormatException("the circuit must end with 'output g<k>', not '" + parts.get(parts.size() - 1) + "'");
        }
        final int output = gateIndex(out.group(1));
        if (output < 1 || output > gates.size()) {
            throw new ProblemFormatException("the output " + out.group(1) + " is not one of the gates");
        }
        return new BooleanCircuit(inputs, gates, output);
    }

    static GeneratedProblem generate(final int steps, final SplittableRandom random) {
        final Map<String, Integer> inputs = new LinkedHashMap<>();
        final int inputCount = Math.min(8, 2 + steps / 3);
        for (int i = 1; i <= inputCount; i++) {
            inputs.put("x" + i, random.nextInt(2));
        }
        final List<String> inputNames = List.copyOf(inputs.keySet());
        final List<Gate> gates = new ArrayList<>();
        for (int k = 1; k <= steps; k++) {
            final double draw = random.nextDouble();
            final String op = draw < 0.15 ? "NOT" : draw < 0.45 ? "AND" : draw < 0.75 ? "OR" : "XOR";
            // Each gate reads the one before it, so the gates form a chain that has to be evaluated in order.
            final String spine = k == 1 ? Numbers.pick(inputNames, random) : "g" + (k - 1);
            if ("NOT".equals(op)) {
                gates.add(new Gate("g" + k, op, List.of(spine)));
                continue;
            }
            final List<String> others = new ArrayList<>(inputNames);
            others.remove(spine);
            if (k > 2 && random.nextBoolean()) {
                others.clear();
                IntStream.range(1, k - 1).forEach(j -> others.add("g" + j));
            }
            final String other = Numbers.pick(others, random);
            gates.add(new Gate("g" + k, op, random.nextBoolean() ? List.of(spine, other) : List.of(other, spine)));
        }
        final BooleanCircuit circuit = new BooleanCircuit(inputs, gates, steps);
        final String text = "evaluate circuit "
                + inputs.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "))
                + "; " + gates.stream().map(g -> g.name() + "=" + g.formula()).collect(Collectors.joining("; "))
                + "; output g" + steps;
        return new GeneratedProblem(Family.BOOLEAN_CIRCUIT, steps, text, circuit.solve());
    }

    @Override
    public Family family() {
        return Family.BOOLEAN_CIRCUIT;
    }

    @Override
    public int steps() {
        return gates.size();
    }

    @Override
    public Values initial() {
        return new Values(List.of());
    }

    @Override
    public boolean isFinal(final Values state) {
        return state.bits().size() >= gates.size();
    }

    @Override
    public String answer(final Values state) {
        return Integer.toString(state.bits().get(output - 1));
    }

    @Override
    public Transition<Values> next(final Values state) {
        final Gate gate = gates.get(state.bits().size());
        return evaluated(state, gate, gate.op(), gate.operands(), false);
    }

    @Override
    public Transition<Values> corrupt(final Values state, final SplittableRandom random) {
        final Gate gate = gates.get(state.bits().size());
        final int right = evaluate(gate.op(), values(state, gate.operands()));
        for (final Slip slip : Numbers.shuffled(List.of(Slip.values()), random)) {
            final Transition<Values> wrong = switch (slip) {
                case WRONG_INPUT -> wrongInput(state, gate, random);
                case WRONG_GATE -> wrongGate(state, gate, random);
                case FLIPPED -> evaluated(state, gate, gate.op(), gate.operands(), true);
            };
            if (wrong != null && last(wrong.state()) != right) {
                return wrong;
            }
        }
        return evaluated(state, gate, gate.op(), gate.operands(), true);
    }

    @Override
    public String describe(final Values state) {
        if (state.bits().isEmpty()) {
            return "no gate evaluated yet";
        }
        return "after g" + state.bits().size() + ": " + IntStream.range(0, state.bits().size())
                .mapToObj(i -> "g" + (i + 1) + "=" + state.bits().get(i)).collect(Collectors.joining(" "));
    }

    @Override
    public Values parseState(final String stepBody) throws StepFormatException {
        final Matcher matcher = STATE.matcher(stepBody);
        if (!matcher.find()) {
            throw new StepFormatException("the step does not list the gate values, as 'after g<k>: g1=0 g2=1 ...'");
        }
        final Long count = Numbers.parseBounded(matcher.group(1), gates.size());
        if (count == null || count < 1) {
            throw new StepFormatException("g" + matcher.group(1) + " is not one of g1..g" + gates.size());
        }
        final Matcher values = VALUE.matcher(matcher.group(2));
        final List<Integer> bits = new ArrayList<>();
        int end = 0;
        while (values.find()) {
            if (!matcher.group(2).substring(end, values.start()).isBlank()) {
                throw new StepFormatException("unexpected '" + matcher.group(2).substring(end, values.start()).strip()
                        + "' in the gate values");
            }
            if (gateIndex("g" + values.group(1)) != bits.size() + 1) {
                throw new StepFormatException("the gate values must list g1, g2, ... in order; found g" + values.group(1)
                        + " where g" + (bits.size() + 1) + " belongs");
            }
            bits.add(Integer.parseInt(values.group(2)));
            end = values.end();
        }
        if (!matcher.group(2).substring(end).isBlank()) {
            throw new StepFormatException("unexpected '" + matcher.group(2).substring(end).strip() + "' in the gate values");
        }
        if (bits.size() != count) {
            throw new StepFormatException("the step says 'after g" + count + "' but lists " + bits.size() + " gate values");
        }
        return new Values(bits);
    }

    @Override
    public String solve() {
        final Map<String, Integer> signals = new LinkedHashMap<>(inputs);
        for (final Gate gate : gates) {
            signals.put(gate.name(), evaluate(gate.op(), gate.operands().stream().map(signals::get).toList()));
        }
        return Integer.toString(signals.get("g" + output));
    }

    @Override
    public String normalizeAnswer(final String raw) {
        final String value = raw.strip();
        return "0".equals(value) || "1".equals(value) ? value : null;
    }

    /** Reads another signal in place of one operand, one whose value differs, as when misreading the gate. */
    private Transition<Values> wrongInput(final Values state, final Gate gate, final SplittableRandom random) {
        final int position = random.nextInt(gate.operands().size());
        final String meant = gate.operands().get(position);
        final int meantValue = value(state, meant);
        final List<String> candidates = new ArrayList<>();
        inputs.keySet().stream().sorted().forEach(candidates::add);
        IntStream.rangeClosed(1, state.bits().size()).forEach(j -> candidates.add("g" + j));
        for (final String read : Numbers.shuffled(candidates, random)) {
            if (value(state, read) != meantValue) {
                final List<String> operands = new ArrayList<>(gate.operands());
                operands.set(position, read);
                return evaluated(state, gate, gate.op(), operands, false);
            }
        }
        return null;
    }

    /** Evaluates the gate as another kind of gate; a NOT is dropped (the input copied through). */
    private Transition<Values> wrongGate(final Values state, final Gate gate, final SplittableRandom random) {
        if ("NOT".equals(gate.op())) {
            final int copied = value(state, gate.operands().get(0));
            return new Transition<>(gate.name() + " = " + gate.operands().get(0) + " = " + copied,
                    append(state, copied));
        }
        final List<String> ops = new ArrayList<>(BINARY);
        ops.remove(gate.op());
        return evaluated(state, gate, Numbers.pick(ops, random), gate.operands(), false);
    }

    private Transition<Values> evaluated(final Values state, final Gate gate, final String op,
                                         final List<String> operands, final boolean flip) {
        final List<Integer> bits = values(state, operands);
        final int result = evaluate(op, bits) ^ (flip ? 1 : 0);
        final String work = gate.name() + " = " + op + "(" + String.join(",", operands) + ") = " + op + "("
                + bits.stream().map(String::valueOf).collect(Collectors.joining(",")) + ") = " + result;
        return new Transition<>(work, append(state, result));
    }

    private List<Integer> values(final Values state, final List<String> operands) {
        return operands.stream().map(name -> value(state, name)).toList();
    }

    private int value(final Values state, final String name) {
        return name.startsWith("x") ? inputs.get(name) : state.bits().get(gateIndex(name) - 1);
    }

    private static Values append(final Values state, final int bit) {
        final List<Integer> bits = new ArrayList<>(state.bits());
        bits.add(bit);
        return new Values(bits);
    }

    private static int last(final Values state) {
        return state.bits().get(state.bits().size() - 1);
    }

    private static int evaluate(final String op, final List<Integer> bits) {
        return switch (op) {
            case "AND" -> bits.get(0) & bits.get(1);
            case "OR" -> bits.get(0) | bits.get(1);
            case "XOR" -> bits.get(0) ^ bits.get(1);
            case "NOT" -> 1 - bits.get(0);
            default -> throw new IllegalArgumentException("unknown gate " + op);
        };
    }

    private static int gateIndex(final String name) {
        final Long index = Numbers.parseBounded(name.substring(1), Integer.MAX_VALUE);
        return index == null ? -1 : index.intValue();
    }

    private static Map<String, Integer> parseInputs(final String part) {
        final Map<String, Integer> inputs = new LinkedHashMap<>();
        final Matcher matcher = INPUT.matcher(part);
        int end = 0;
        while (matcher.find()) {
            final String between = part.substring(end, matcher.start()).replace(',', ' ');
            if (!between.isBlank()) {
                throw new ProblemFormatException("unexpected '" + between.strip() + "' among the inputs");
            }
            final String name = matcher.group(1).toLowerCase(Locale.ROOT);
            if (inputs.put(name, Integer.parseInt(matcher.group(2))) != null) {
                throw new ProblemFormatException("input " + name + " is given twice");
            }
            end = matcher.end();
        }
        if (inputs.isEmpty() || !part.substring(end).replace(',', ' ').isBlank()) {
            throw new ProblemFormatException("the inputs must read like 'x1=1 x2=0', not '" + part + "'");
        }
        return inputs;
    }

    private static Gate parseGate(final String part, final Map<String, Integer> inputs, final int expectedIndex) {
        final Matcher matcher = GATE.matcher(part);
        if (!matcher.matches()) {
            throw new ProblemFormatException("'" + part + "' is not a gate like g1=AND(x1,x2) or g2=NOT(g1)");
        }
        final String name = matcher.group(1).toLowerCase(Locale.ROOT);
        if (gateIndex(name) != expectedIndex) {
            throw new ProblemFormatException("gates must be g1, g2, ... in order; found " + name + " where g"
                    + expectedIndex + " belongs");
        }
        final String op = matcher.group(2).toUpperCase(Locale.ROOT);
        final List<String> operands = new ArrayList<>();
        operands.add(matcher.group(3).toLowerCase(Locale.ROOT));
        if (matcher.group(4) != null) {
            operands.add(matcher.group(4).toLowerCase(Locale.ROOT));
        }
        if ("NOT".equals(op) != (operands.size() == 1)) {
            throw new ProblemFormatException(name + ": NOT takes one input and AND, OR, XOR take two");
        }
        for (final String operand : operands) {
            final boolean known = operand.startsWith("x") ? inputs.containsKey(operand)
                    : gateIndex(operand) >= 1 && gateIndex(operand) < expectedIndex;
            if (!known) {
                throw new ProblemFormatException(name + " reads " + operand + ", which is not an input or an earlier gate");
            }
        }
        return new Gate(name, op, operands);
    }
}
