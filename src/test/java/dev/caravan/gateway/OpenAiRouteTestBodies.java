package dev.caravan.gateway;

/** Shared reply bodies for gateway tests. */
final class OpenAiRouteTestBodies {

    static final String COMPLETION = """
            {"id":"chatcmpl-abc","object":"chat.completion","created":1735689600,"model":"gpt-4o-mini",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Hello!","refusal":null},
             "logprobs":null,"finish_reason":"stop"}],
             "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12}}""";

    private OpenAiRouteTestBodies() {
    }
}
