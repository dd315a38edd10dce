package dev.caravan.guardrail;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.caravan.gateway.ChatCall;
import dev.caravan.money.TokenEstimator;

/**
 * Rejects a request whose prompt is too large: {@code maxChars} (the inspected roles' text, characters) and/or
 * {@code maxTokens} (the whole prompt, estimated as the budget does, {@link TokenEstimator}). 0 = no limit.
 * Answers are not checked.
 */
public class PromptSizeGuardrail extends Guardrail {

    private long maxChars;
    private long maxTokens;

    public PromptSizeGuardrail() {
        setName("prompt-size");
        setOn("request");
    }

    public void setMaxChars(long maxChars) {
        this.maxChars = maxChars;
    }

    public void setMaxTokens(long maxTokens) {
        this.maxTokens = maxTokens;
    }

    @Override
    protected Verdict checkRequest(ChatCall call) {
        if (maxChars > 0) {
            long chars = 0;
            for (TextSlots.Slot s : TextSlots.chatRequest(call.raw(), roles(), toolArguments())) {
                chars += s.get().length();
            }
            if (chars > maxChars) {
                throw rejection("request", "the prompt has " + chars + " characters, more than " + maxChars);
            }
        }
        if (maxTokens > 0) {
            long tokens = TokenEstimator.promptTokens(call.raw());
            if (tokens > maxTokens) {
                throw rejection("request", "the prompt has about " + tokens + " tokens, more than " + maxTokens);
            }
        }
        return Verdict.ALLOW;
    }

    @Override
    protected Verdict checkAnswer(ObjectNode completion) {
        return Verdict.ALLOW;
    }
}
