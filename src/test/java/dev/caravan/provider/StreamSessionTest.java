package dev.caravan.provider;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import dev.caravan.api.ApiError;
import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.error.ApiException;
import dev.caravan.http.SseResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The session's end when the client's encoder finishes later (a guardrail reviewing the whole answer), and an
 * encoder's refusal that comes after the first chunk was announced but before the client's response was attached.
 * No Camel, no sockets: upstream bytes are fed in, the client's bytes read out of the response.
 */
class StreamSessionTest {

    /** Each {@code data:} event is a chunk; {@code [DONE]} ends the answer. */
    static final StreamTranslator TRANSLATOR = (event, out) -> {
        if ("[DONE]".equals(event.data())) {
            out.finished();
            out.done();
        } else {
            out.chunk(Json.MAPPER.readTree(event.data()));
        }
    };

    final AtomicBoolean upstreamCancelled = new AtomicBoolean();
    final AtomicReference<StreamOutcome> outcome = new AtomicReference<>();

    StreamSession session(StreamEncoder encoder) {
        StreamSession s = new StreamSession("test", TRANSLATOR, encoder, null, 0, 0, null);
        s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
                upstreamCancelled.set(true);
            }
        });
        return s;
    }

    static void feed(StreamSession s, String sse) {
        s.onNext(List.of(ByteBuffer.wrap(sse.getBytes(StandardCharsets.UTF_8))));
    }

    SseResponse attach(StreamSession s) {
        SseResponse r = new SseResponse(HttpResponseStatus.OK);
        s.attach(r, (Consumer<StreamOutcome>) outcome::set);
        return r;
    }

    /** What the client got so far, and whether the response ended. */
    record Read(String text, boolean ended) {
    }

    static Read read(SseResponse r) {
        StringBuilder sb = new StringBuilder();
        while (true) {
            HttpContent c = r.readChunk(ByteBufAllocator.DEFAULT);
            if (c == null) {
                return new Read(sb.toString(), false);
            }
            if (c instanceof LastHttpContent) {
                return new Read(sb.toString(), true);
            }
            sb.append(c.content().toString(StandardCharsets.UTF_8));
            c.release();
        }
    }

    /** An encoder that holds everything and writes it when {@link #review} completes. */
    static final class Holding implements StreamEncoder {
        final StreamEncoder chat = StreamEncoder.chat(false);
        final StringBuilder held = new StringBuilder();
        final CompletableFuture<String> review = new CompletableFuture<>();

        @Override
        public void chunk(Object chunk, Consumer<byte[]> out) {
            held.append(((com.fasterxml.jackson.databind.JsonNode) chunk).path("t").asText());
        }

        @Override
        public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
            throw new AssertionError("the session asks for the deferred end");
        }

        @Override
        public CompletableFuture<Void> endDeferred(Usage usage, String id, long created, String model,
                Consumer<byte[]> out) {
            return review.thenAccept(verdict -> {
                if (verdict.equals("block")) {
                    throw new ApiException(400, "invalid_request_error", "content_policy_violation", null, "blocked");
                }
                chat.chunk(Json.MAPPER.createObjectNode().put("t", held.toString()), out);
                chat.end(usage, id, created, model, out);
            });
        }

        @Override
        public void error(ApiError error, int status, Consumer<byte[]> out) {
            chat.error(error, status, out);
        }
    }

    @Test
    void aDeferredEndKeepsTheClientWaitingThenSendsTheFinalEvents() {
        Holding enc = new Holding();
        StreamSession s = session(enc);
        feed(s, "data: {\"t\":\"Hel\"}\n\ndata: {\"t\":\"lo\"}\n\n");
        assertThat(s.firstChunk()).isCompleted();
        SseResponse r = attach(s);
        feed(s, "data: [DONE]\n\n");
        s.onComplete();
        assertThat(read(r)).isEqualTo(new Read("", false));
        assertThat(outcome.get()).as("not finished while the review runs").isNull();

        enc.review.complete("allow");
        Read got = read(r);
        assertThat(got.ended()).isTrue();
        assertThat(got.text()).isEqualTo("data: {\"t\":\"Hello\"}\n\ndata: [DONE]\n\n");
        assertThat(outcome.get().result()).isEqualTo("ok");
    }

    @Test
    void aDeferredRefusalEndsTheStreamWithTheErrorEvent() {
        Holding enc = new Holding();
        StreamSession s = session(enc);
        feed(s, "data: {\"t\":\"secret\"}\n\ndata: [DONE]\n\n");
        SseResponse r = attach(s);
        enc.review.complete("block");
        Read got = read(r);
        assertThat(got.ended()).isTrue();
        assertThat(got.text()).contains("content_policy_violation").doesNotContain("secret").endsWith("data: [DONE]\n\n");
        assertThat(outcome.get().result()).isEqualTo("error");
    }

    @Test
    void aReviewThatEndsBeforeTheClientIsAttachedIsDeliveredOnAttach() {
        Holding enc = new Holding();
        StreamSession s = session(enc);
        feed(s, "data: {\"t\":\"Hi\"}\n\ndata: [DONE]\n\n");
        enc.review.complete("allow");
        SseResponse r = attach(s);
        Read got = read(r);
        assertThat(got).isEqualTo(new Read("data: {\"t\":\"Hi\"}\n\ndata: [DONE]\n\n", true));
        assertThat(outcome.get().result()).isEqualTo("ok");
    }

    @Test
    void aClientThatLeavesDuringTheReviewIsRecordedAsGoneAndTheLateReviewIsIgnored() {
        Holding enc = new Holding();
        StreamSession s = session(enc);
        feed(s, "data: {\"t\":\"Hi\"}\n\ndata: [DONE]\n\n");
        SseResponse r = attach(s);
        r.close(); // the transfer ended before its last chunk: the client went away
        assertThat(outcome.get().result()).isEqualTo("client_closed");
        enc.review.complete("allow");
        assertThat(outcome.get().result()).isEqualTo("client_closed");
    }

    /** Refuses the second chunk, as a stream guardrail that finds a secret split across chunks. */
    static final class RefusesSecond implements StreamEncoder {
        final StreamEncoder chat = StreamEncoder.chat(false);
        int n;

        @Override
        public void chunk(Object chunk, Consumer<byte[]> out) {
            if (n++ == 1) {
                throw new ApiException(400, "invalid_request_error", "content_policy_violation", null, "blocked");
            }
            // the first chunk is held back: nothing is written yet
        }

        @Override
        public void end(Usage usage, String id, long created, String model, Consumer<byte[]> out) {
            chat.end(usage, id, created, model, out);
        }

        @Override
        public void error(ApiError error, int status, Consumer<byte[]> out) {
            chat.error(error, status, out);
        }
    }

    @Test
    void aRefusalAfterTheFirstChunkWasAnnouncedButBeforeAttachReachesTheClientAndIsMetered() {
        StreamSession s = session(new RefusesSecond());
        feed(s, "data: {\"t\":\"held\"}\n\n");
        assertThat(s.firstChunk()).as("the route goes on to attach the client").isCompleted();
        feed(s, "data: {\"t\":\"refused\"}\n\n");
        assertThat(upstreamCancelled).isTrue();
        SseResponse r = attach(s);
        Read got = read(r);
        assertThat(got.ended()).isTrue();
        assertThat(got.text()).contains("content_policy_violation").endsWith("data: [DONE]\n\n");
        assertThat(outcome.get()).as("the call is metered").isNotNull();
        assertThat(outcome.get().result()).isEqualTo("error");
    }

    // ---- whether the provider failed the stream after its start (what the deployment's breaker records) ----

    final AtomicReference<Boolean> settled = new AtomicReference<>();

    @Test
    void aStreamThatBreaksOffAfterItsFirstChunkSettlesAsTheProvidersFault() {
        StreamSession s = session(StreamEncoder.chat(false));
        feed(s, "data: {\"t\":\"Hel\"}\n\n");
        s.whenUpstreamSettled(settled::set);
        SseResponse r = attach(s);
        assertThat(settled.get()).as("not before the stream ends").isNull();
        s.onError(new java.io.IOException("Connection reset by peer"));
        assertThat(settled.get()).isTrue();
        assertThat(read(r).text()).contains("upstream_stream_error");
    }

    @Test
    void anErrorEventAfterTheFirstChunkAndATruncatedStreamAreTheProvidersFault() {
        StreamSession s = session(StreamEncoder.chat(false));
        feed(s, "data: {\"t\":\"Hel\"}\n\n");
        s.whenUpstreamSettled(settled::set);
        attach(s);
        s.error(529, new dev.caravan.error.ErrorMapper.UpstreamError("Overloaded", "overloaded_error", null, null));
        assertThat(settled.get()).isTrue();

        AtomicReference<Boolean> truncated = new AtomicReference<>();
        StreamSession t = session(StreamEncoder.chat(false));
        feed(t, "data: {\"t\":\"Hel\"}\n\n");
        t.whenUpstreamSettled(truncated::set);
        attach(t);
        t.onComplete(); // no [DONE], no finish reason
        assertThat(truncated.get()).isTrue();
    }

    @Test
    void aCompleteAnswerAClientThatLeavesAndAGuardrailsRefusalAreNotTheProvidersFault() {
        StreamSession s = session(StreamEncoder.chat(false));
        feed(s, "data: {\"t\":\"Hi\"}\n\n");
        s.whenUpstreamSettled(settled::set);
        attach(s);
        feed(s, "data: [DONE]\n\n");
        assertThat(settled.get()).isFalse();

        AtomicReference<Boolean> gone = new AtomicReference<>();
        StreamSession g = session(StreamEncoder.chat(false));
        feed(g, "data: {\"t\":\"Hi\"}\n\n");
        g.whenUpstreamSettled(gone::set);
        attach(g).close();
        assertThat(gone.get()).isFalse();

        AtomicReference<Boolean> refused = new AtomicReference<>();
        StreamSession b = session(new RefusesSecond());
        feed(b, "data: {\"t\":\"held\"}\n\n");
        b.whenUpstreamSettled(refused::set);
        feed(b, "data: {\"t\":\"refused\"}\n\n");
        assertThat(refused.get()).isFalse();
    }

    @Test
    void askedAfterTheEndItIsToldAtOnce() {
        StreamSession s = session(StreamEncoder.chat(false));
        feed(s, "data: {\"t\":\"Hel\"}\n\n");
        attach(s);
        s.onError(new java.io.IOException("Connection reset by peer"));
        s.whenUpstreamSettled(settled::set);
        assertThat(settled.get()).isTrue();
    }
}
