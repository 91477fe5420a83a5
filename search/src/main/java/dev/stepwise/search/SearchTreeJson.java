package dev.stepwise.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.jsontype.NamedType;
import dev.stepwise.search.strategy.StrategyDescriptor;
import dev.stepwise.search.strategy.StrategyRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link SearchTree}, as the topology stores it: a summary, and one entry per step,
 * request and early verdict, plus one for the problem's text. An event changes the summary and a few
 * entries, so storing them apart makes what an event writes independent of the tree's size;
 * {@link #changedEntries} hands out the entries to write. Each strategy's state is written with the
 * strategy's name as its type, registered from the {@link StrategyRegistry}, so the registry stays the
 * one place a strategy is declared.
 *
 * <p>Earlier layouts are read too. A tree of format 2 was stored whole: it is read whole, as a tree of
 * this format whose every entry is still to be written, so the next save stores it in parts. A tree of
 * format 1 (before strategies were plug-ins) is read as a tombstone when it was answered; a search that
 * was still running under it cannot be resumed, and {@link #read} marks it so (format 1) for the engine
 * to answer with an error.
 */
public final class SearchTreeJson {

    /**
     * One entry of a tree.
     *
     * @param key   what it is, unique within its tree (a step, a request, an early verdict or the problem)
     * @param value its JSON; null when the entry is gone (a deletion)
     */
    public record Entry(String key, byte[] value) {
    }

    private final ObjectMapper mapper;
    private final ObjectWriter summaries;

    public SearchTreeJson(final StrategyRegistry registry) {
        // Map keys here are step and request ids, each seen a few times: interning and canonicalising
        // them (Jackson's default, for the field names of a fixed schema) fills the symbol table for nothing.
        final JsonFactory factory = JsonFactory.builder()
                .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
                .disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
                .build();
        final JsonMapper json = JsonMapper.builder(factory)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        for (final StrategyDescriptor descriptor : registry.strategies()) {
            json.registerSubtypes(new NamedType(descriptor.stateType(), descriptor.name()));
        }
        this.mapper = json;
        this.summaries = json.writerWithView(SearchTree.Summary.class);
    }

    /** The whole tree in one document, entries inline (for tests and tools; the topology stores it in parts). */
    public byte[] write(final SearchTree tree) {
        return bytes(mapper.writer(), tree, tree);
    }

    /** The tree without its entries. */
    public byte[] writeSummary(final SearchTree tree) {
        return bytes(summaries, tree, tree);
    }

    /**
     * The entries changed since the last call (by the engine, or by reading a tree stored whole), each with
     * its JSON, or with a null value when it was removed; the tree forgets them.
     */
    public List<Entry> changedEntries(final SearchTree tree) {
        final List<Entry> changed = new ArrayList<>();
        for (final String key : tree.changes.take()) {
            final Object value = entry(tree, key);
            changed.add(new Entry(key, value == null ? null : bytes(mapper.writer(), value, tree)));
        }
        return changed;
    }

    private static Object entry(final SearchTree tree, final String key) {
        if (key.equals(TreeChanges.PROBLEM)) {
            return tree.problem;
        }
        final String id = key.substring(2);
        return switch (key.substring(0, 2)) {
            case TreeChanges.STEP -> tree.steps.get(id);
            case TreeChanges.REQUEST -> tree.requests.get(id);
            case TreeChanges.EARLY_VERDICT -> tree.earlyVerdicts.get(id);
            default -> throw new IllegalArgumentException("Not an entry key: " + key);
        };
    }

    /**
     * Reads a summary (whose entries {@link #withEntries} adds), or a tree stored whole by an earlier layout.
     *
     * @throws IOException when the bytes are not a search tree
     */
    public SearchTree read(final byte[] bytes) throws IOException {
        SearchTree tree;
        try {
            tree = mapper.readValue(bytes, SearchTree.class);
        } catch (final MismatchedInputException e) {
            // An earlier layout with a field of the same name and another type; read as such below.
            tree = null;
        }
        if (tree == null || tree.format < 2) {
            final JsonNode node = mapper.readTree(bytes);
            return earlier(node, node.path("format").asInt(1));
        }
        if (tree.format == 2) {
            upgrade(tree);
        }
        tree.open.rebuild(tree);
        return tree;
    }

    /** A tree stored whole, entries inline: they keep their order, and are all written, in parts, next time. */
    private static void upgrade(final SearchTree tree) {
        tree.format = SearchTree.FORMAT;
        int seq = 0;
        for (final Request request : tree.requests.values()) {
            request.seq = seq++;
        }
        for (final Step step : tree.steps.values()) {
            step.seq = seq++;
        }
        for (final EarlyVerdict early : tree.earlyVerdicts.values()) {
            early.seq = seq++;
        }
        tree.nextEntry = seq;
        tree.touchAll();
    }

    /**
     * Completes a summary read by {@link #read} with its stored entries, in any order: each kind goes back
     * in the order its entries were added, as the engine iterates them. A tree of an earlier layout has none.
     *
     * @throws IOException when an entry is not one
     */
    public SearchTree withEntries(final SearchTree tree, final List<Entry> entries) throws IOException {
        final List<Request> requests = new ArrayList<>();
        final List<Step> steps = new ArrayList<>();
        final List<Map.Entry<String, EarlyVerdict>> early = new ArrayList<>();
        for (final Entry entry : entries) {
            final String key = entry.key();
            if (key.equals(TreeChanges.PROBLEM)) {
                tree.problem = mapper.readValue(entry.value(), String.class);
                continue;
            }
            switch (key.length() < 2 ? "" : key.substring(0, 2)) {
                case TreeChanges.STEP -> steps.add(mapper.readValue(entry.value(), Step.class));
                case TreeChanges.REQUEST -> requests.add(mapper.readValue(entry.value(), Request.class));
                case TreeChanges.EARLY_VERDICT -> early.add(Map.entry(key.substring(2),
                        mapper.readValue(entry.value(), EarlyVerdict.class)));
                default -> throw new IOException("Not an entry of a search tree: " + key);
            }
        }
        requests.sort(Comparator.comparingInt(r -> r.seq));
        steps.sort(Comparator.comparingInt(s -> s.seq));
        early.sort(Comparator.comparingInt(e -> e.getValue().seq));
        requests.forEach(r -> tree.requests.put(r.id, r));
        steps.forEach(s -> tree.steps.put(s.id, s));
        early.forEach(e -> tree.earlyVerdicts.put(e.getKey(), e.getValue()));
        tree.open.rebuild(tree);
        return tree;
    }

    private static byte[] bytes(final ObjectWriter writer, final Object value, final SearchTree of) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (final IOException e) {
            throw new UncheckedIOException("Cannot write the search state of " + of.promptId(), e);
        }
    }

    /** A tree of an earlier layout: its identity, status and times, which is all a tombstone needs. */
    private static SearchTree earlier(final JsonNode node, final int format) {
        final SearchTree tree = new SearchTree();
        tree.format = format;
        tree.promptId = node.path("promptId").asText(null);
        tree.status = "ANSWERED".equals(node.path("status").asText()) ? SearchTree.Status.ANSWERED
                : SearchTree.Status.SEARCHING;
        tree.strategy = node.path("strategy").asText("");
        tree.submittedAt = node.path("submittedAt").asLong();
        tree.deadlineAt = node.path("deadlineAt").asLong();
        tree.answeredAt = node.path("answeredAt").asLong();
        tree.maxModelCalls = node.path("maxModelCalls").asInt();
        tree.maxTokens = node.path("maxTokens").asLong();
        tree.wakeAt = node.path("wakeAt").asLong();
        return tree;
    }
}
