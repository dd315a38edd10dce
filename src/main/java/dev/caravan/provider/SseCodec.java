package dev.caravan.provider;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * The one SSE framing of the gateway, both directions (WHATWG event-stream rules): {@link Reader} turns upstream
 * bytes, split anywhere (mid-line, mid-UTF-8 character), into events; the static writers frame events for the
 * client. Comment lines ({@code : keep-alive}) are dropped; CRLF, LF and CR all end a line.
 */
public final class SseCodec {

    public static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_NAME = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_NAME = "event".getBytes(StandardCharsets.US_ASCII);

    private SseCodec() {
    }

    /** {@code data: <json>\n\n} (OpenAI framing: no event names). */
    public static byte[] data(byte[] json) {
        byte[] out = new byte[DATA.length + json.length + 2];
        System.arraycopy(DATA, 0, out, 0, DATA.length);
        System.arraycopy(json, 0, out, DATA.length, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    /** {@code data: <json>\n\n} of JSON text (one line: no line breaks in it). */
    public static byte[] data(String json) {
        return ("data: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
    }

    /** {@code event: <name>\ndata: <json>\n\n} (Anthropic framing). */
    public static byte[] event(String name, byte[] json) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[EVENT.length + n.length + 1 + DATA.length + json.length + 2];
        int p = 0;
        System.arraycopy(EVENT, 0, out, p, EVENT.length);
        p += EVENT.length;
        System.arraycopy(n, 0, out, p, n.length);
        p += n.length;
        out[p++] = '\n';
        System.arraycopy(DATA, 0, out, p, DATA.length);
        p += DATA.length;
        System.arraycopy(json, 0, out, p, json.length);
        out[out.length - 2] = '\n';
        out[out.length - 1] = '\n';
        return out;
    }

    /** Incremental parser; not thread-safe (one per stream, fed in order). */
    public static final class Reader implements StreamDecoder {
        private final Consumer<SseEvent> sink;
        private byte[] line = new byte[256];
        private int len;
        private boolean lastWasCr;
        private String eventName;
        /** The first data line; {@code more} holds all of them once there is a second. */
        private String data;
        private StringBuilder more;

        public Reader(Consumer<SseEvent> sink) {
            this.sink = sink;
        }

        @Override
        public void feed(ByteBuffer buf) {
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') {
                    if (lastWasCr) {
                        lastWasCr = false;
                        continue;
                    }
                    endLine();
                } else if (b == '\r') {
                    lastWasCr = true;
                    endLine();
                } else {
                    lastWasCr = false;
                    if (len == line.length) {
                        line = Arrays.copyOf(line, len * 2);
                    }
                    line[len++] = b;
                }
            }
        }

        public void feed(byte[] bytes) {
            feed(ByteBuffer.wrap(bytes));
        }

        /** End of input: a final event without its blank line is still delivered. */
        @Override
        public void finish() {
            if (len > 0) {
                endLine();
            }
            dispatch();
        }

        private void endLine() {
            if (len == 0) {
                dispatch();
                return;
            }
            if (line[0] == ':') {
                len = 0;
                return;
            }
            int colon = -1;
            for (int i = 0; i < len; i++) {
                if (line[i] == ':') {
                    colon = i;
                    break;
                }
            }
            int nameLen = colon < 0 ? len : colon;
            boolean isData = is(DATA_NAME, nameLen);
            if (!isData && !is(EVENT_NAME, nameLen)) {
                len = 0; // id, retry and unknown fields are not used by any provider Caravan speaks to
                return;
            }
            int start = colon < 0 ? len : colon + 1;
            if (start < len && line[start] == ' ') {
                start++;
            }
            String value = new String(line, start, len - start, StandardCharsets.UTF_8);
            len = 0;
            if (!isData) {
                eventName = value;
            } else if (data == null) {
                data = value;
            } else {
                if (more == null) {
                    more = new StringBuilder(data);
                }
                more.append('\n').append(value);
            }
        }

        private boolean is(byte[] name, int n) {
            return n == name.length && Arrays.equals(line, 0, n, name, 0, n);
        }

        private void dispatch() {
            if (data != null || eventName != null) {
                SseEvent ev = new SseEvent(eventName, more != null ? more.toString() : data == null ? "" : data);
                data = null;
                more = null;
                eventName = null;
                sink.accept(ev);
            }
        }
    }
}
