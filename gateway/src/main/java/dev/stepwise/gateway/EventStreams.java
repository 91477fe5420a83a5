package dev.stepwise.gateway;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A search's progress and answer as server-sent events, in the format of each API: Chat Completions chunks or
 * Responses events. Only numbers about the search and its visible summary are streamed, never the chain.
 */
final class EventStreams {

    private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);

    private EventStreams() {
    }

    /**
     * Chat Completions stream: a role chunk and the opening line at once, then progress lines as
     * {@code delta.reasoning_content}, then the visible summary (also as reasoning), the answer as
     * {@code delta.content}, the finish chunk, the usage chunk if asked for, and {@code [DONE]}. An error answer
     * becomes {@code data: {"error": {...}}} followed by {@code [DONE]}.
     */
    static void chat(final PendingSearch search, final ServerResponse res) {
        final SearchRequest request = search.request;
        final ChatCompletions chat = new ChatCompletions(search.promptId, search.created(), request.model());
        final boolean usage = request.includeUsage();
        try (OutputStream out = openStream(res, search.promptId)) {
            final SseWriter sse = new SseWriter(out);
            sse.data(chat.roleChunk(usage));
            sse.data(chat.reasoningChunk(ProgressText.opening(request), usage));
            if (!search.awaitWithProgress(sse, p -> sse.data(chat.reasoningChunk(ProgressText.line(p), usage)))) {
                return;
            }
            final Outcome outcome = search.outcome();
            if (outcome.failed()) {
                sse.data(outcome.error().toJson());
                sse.done();
                return;
            }
            sse.data(chat.reasoningChunk(outcome.summary(), usage));
            if (!outcome.answer().isEmpty()) {
                sse.data(chat.contentChunk(outcome.answer(), usage));
            }
            sse.data(chat.finishChunk(outcome.finishReason(), usage));
            if (usage) {
                sse.data(chat.usageChunk(outcome.usage()));
            }
            sse.done();
        } catch (SseWriter.ClientGoneException e) {
            search.clientGone();
        } catch (IOException e) {
            LOG.debug("Closing the stream of prompt {} failed: {}", search.promptId, e.toString());
        }
    }

    /**
     * Responses stream: {@code response.created}, {@code response.in_progress}, the reasoning item (added, a
     * summary part whose text deltas are the progress lines, a second part with the visible summary, done),
     * the message item (added, content part, text delta, done) and {@code response.completed}; or
     * {@code response.failed} with the error.
     */
    static void responses(final PendingSearch search, final ServerResponse res) {
        final SearchRequest request = search.request;
        final Responses api = new Responses(search.promptId, search.created(), request);
        try (OutputStream out = openStream(res, search.promptId)) {
            final SseWriter sse = new SseWriter(out);
            final ObjectNode created = api.event("response.created");
            created.set("response", api.response("in_progress"));
            sse.event("response.created", created);
            final ObjectNode progressing = api.event("response.in_progress");
            progressing.set("response", api.response("in_progress"));
            sse.event("response.in_progress", progressing);
            final ObjectNode itemAdded = api.event("response.output_item.added").put("output_index", 0);
            itemAdded.set("item", api.reasoningItem(List.of()));
            sse.event("response.output_item.added", itemAdded);
            final StringBuilder progressText = new StringBuilder();
            emitSummaryPartAdded(api, sse, 0);
            final SummaryDelta delta = text -> {
                progressText.append(text);
                sse.event("response.reasoning_summary_text.delta",
                        api.reasoningEvent("response.reasoning_summary_text.delta", 0).put("delta", text));
            };
            delta.emit(ProgressText.opening(request));
            if (!search.awaitWithProgress(sse, p -> delta.emit(ProgressText.line(p)))) {
                return;
            }
            emitSummaryPartDone(api, sse, 0, progressText.toString());
            final Outcome outcome = search.outcome();
            if (outcome.failed()) {
                final ObjectNode failed = api.event("response.failed");
                failed.set("response", api.failed(outcome.error()));
                sse.event("response.failed", failed);
                return;
            }
            emitSummaryPartAdded(api, sse, 1);
            sse.event("response.reasoning_summary_text.delta",
                    api.reasoningEvent("response.reasoning_summary_text.delta", 1).put("delta", outcome.summary()));
            emitSummaryPartDone(api, sse, 1, outcome.summary());
            final List<String> summaries = List.of(progressText.toString(), outcome.summary());
            final ObjectNode itemDone = api.event("response.output_item.done").put("output_index", 0);
            itemDone.set("item", api.reasoningItem(summaries));
            sse.event("response.output_item.done", itemDone);

            final ObjectNode messageAdded = api.event("response.output_item.added").put("output_index", 1);
            messageAdded.set("item", api.messageItem(null, "in_progress"));
            sse.event("response.output_item.added", messageAdded);
            final ObjectNode partAdded = api.textEvent("response.content_part.added");
            partAdded.set("part", Responses.outputText(""));
            sse.event("response.content_part.added", partAdded);
            if (!outcome.answer().isEmpty()) {
                sse.event("response.output_text.delta", api.textEvent("response.output_text.delta").put("delta", outcome.answer()));
            }
            sse.event("response.output_text.done", api.textEvent("response.output_text.done").put("text", outcome.answer()));
            final ObjectNode partDone = api.textEvent("response.content_part.done");
            partDone.set("part", Responses.outputText(outcome.answer()));
            sse.event("response.content_part.done", partDone);
            final ObjectNode messageDone = api.event("response.output_item.done").put("output_index", 1);
            messageDone.set("item", api.messageItem(outcome.answer(), "completed"));
            sse.event("response.output_item.done", messageDone);
            final ObjectNode completed = api.event("response.completed");
            completed.set("response", api.completed(outcome, summaries));
            sse.event("response.completed", completed);
        } catch (SseWriter.ClientGoneException e) {
            search.clientGone();
        } catch (IOException e) {
            LOG.debug("Closing the stream of prompt {} failed: {}", search.promptId, e.toString());
        }
    }

    @FunctionalInterface
    private interface SummaryDelta {
        void emit(String text);
    }

    private static void emitSummaryPartAdded(final Responses api, final SseWriter sse, final int index) {
        final ObjectNode added = api.reasoningEvent("response.reasoning_summary_part.added", index);
        added.set("part", Responses.summaryPart(""));
        sse.event("response.reasoning_summary_part.added", added);
    }

    private static void emitSummaryPartDone(final Responses api, final SseWriter sse, final int index, final String text) {
        sse.event("response.reasoning_summary_text.done",
                api.reasoningEvent("response.reasoning_summary_text.done", index).put("text", text));
        final ObjectNode done = api.reasoningEvent("response.reasoning_summary_part.done", index);
        done.set("part", Responses.summaryPart(text));
        sse.event("response.reasoning_summary_part.done", done);
    }

    private static OutputStream openStream(final ServerResponse res, final String promptId) {
        res.status(200);
        res.header(HeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.header(HeaderNames.CACHE_CONTROL, "no-cache");
        res.header(GatewayServer.PROMPT_ID_HEADER, promptId);
        return res.outputStream();
    }
}
