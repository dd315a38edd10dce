package dev.caravan.e2e;

import java.util.ArrayList;
import java.util.List;

import dev.caravan.testing.StubUpstream;

/** OpenAI stream events as a provider sends them. */
final class OpenAiStreams {

    private OpenAiStreams() {
    }

    static String chunk(String id, String delta, String finish) {
        return StubUpstream.data("{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,"
                + "\"finish_reason\":" + (finish == null ? "null" : "\"" + finish + "\"") + "}]}");
    }

    static List<String> text(String id, List<String> words) {
        List<String> ev = new ArrayList<>();
        ev.add(chunk(id, "{\"role\":\"assistant\",\"content\":\"\"}", null));
        for (String w : words) {
            ev.add(chunk(id, "{\"content\":\"" + w + "\"}", null));
        }
        ev.add(chunk(id, "{}", "stop"));
        ev.add(StubUpstream.data("{\"id\":\"" + id + "\",\"object\":\"chat.completion.chunk\",\"created\":1735689600,"
                + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":" + words.size()
                + ",\"total_tokens\":" + (5 + words.size()) + "}}"));
        ev.add("data: [DONE]\n\n");
        return ev;
    }
}
