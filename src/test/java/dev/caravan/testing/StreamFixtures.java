package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;

import dev.caravan.api.Json;
import dev.caravan.api.Usage;
import dev.caravan.http.SseResponse;
import dev.caravan.provider.StreamEncoder;
import dev.caravan.provider.StreamSession;
import dev.caravan.provider.StreamTranslator;

import static org.assertj.core.api.Assertions.assertThat;

/** Fixture helpers for the OpenAI-compatible cases: plain reads, and streams run through the real session. */
public final class StreamFixtures {

    private StreamFixtures() {
    }

    public static List<Path> cases(String provider) {
        Path root = Path.of("src/test/resources/fixtures", provider);
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith(Fixtures.EMBEDDINGS)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(Path p) {
        try {
            return Json.MAPPER.readTree(p.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs recorded upstream SSE bytes through the real stream pipeline (reader, translator, session, response)
     * without Camel or sockets, delivering the bytes in small pieces to exercise split events, and returns what
     * the client would receive.
     */
    public static String runStream(String provider, StreamTranslator translator, boolean includeUsage,
            UnaryOperator<Usage> usageDecorator, byte[] upstream) {
        return runStream(provider, translator, StreamEncoder.chat(includeUsage), usageDecorator, upstream);
    }

    /** As above, with the client API's own stream encoder (Anthropic Messages, OpenAI Responses, ...). */
    public static String runStream(String provider, StreamTranslator translator, StreamEncoder encoder,
            UnaryOperator<Usage> usageDecorator, byte[] upstream) {
        StreamSession session = new StreamSession(provider, translator, encoder, usageDecorator, 0, 0, null);
        session.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
            }

            @Override
            public void cancel() {
            }
        });
        for (int i = 0; i < upstream.length; i += 7) {
            int n = Math.min(7, upstream.length - i);
            session.onNext(List.of(ByteBuffer.wrap(upstream, i, n)));
        }
        session.onComplete();
        SseResponse response = new SseResponse(HttpResponseStatus.OK);
        session.attach(response, o -> { });
        StringBuilder out = new StringBuilder();
        while (true) {
            HttpContent c = response.readChunk(ByteBufAllocator.DEFAULT);
            if (c == null || c instanceof LastHttpContent) {
                break;
            }
            out.append(c.content().toString(StandardCharsets.UTF_8));
            c.release();
        }
        return out.toString();
    }

    /** Compares two SSE texts event by event: JSON payloads as trees, other lines literally. */
    public static void assertSseEquals(String expected, String actual) {
        List<String> e = events(expected);
        List<String> a = events(actual);
        assertThat(a).as("event count\nactual:\n" + actual).hasSize(e.size());
        for (int i = 0; i < e.size(); i++) {
            String ex = e.get(i);
            String ac = a.get(i);
            String exData = data(ex);
            String acData = data(ac);
            assertThat(eventName(ac)).as("event name #" + i).isEqualTo(eventName(ex));
            if (exData != null && exData.startsWith("{")) {
                assertThat(GatewayTestSupport.json(acData)).as("event #" + i).isEqualTo(GatewayTestSupport.json(exData));
            } else {
                assertThat(acData).as("event #" + i).isEqualTo(exData);
            }
        }
    }

    static List<String> events(String sse) {
        List<String> out = new ArrayList<>();
        for (String block : sse.replace("\r\n", "\n").split("\n\n")) {
            if (!block.isBlank()) {
                out.add(block.trim());
            }
        }
        return out;
    }

    static String data(String block) {
        StringBuilder sb = null;
        for (String line : block.split("\n")) {
            if (line.startsWith("data:")) {
                String v = line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5);
                sb = sb == null ? new StringBuilder(v) : sb.append('\n').append(v);
            }
        }
        return sb == null ? null : sb.toString();
    }

    static String eventName(String block) {
        for (String line : block.split("\n")) {
            if (line.startsWith("event:")) {
                return line.substring(6).trim();
            }
        }
        return null;
    }
}
