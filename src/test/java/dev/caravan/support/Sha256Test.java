package dev.caravan.support;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Sha256Test {

    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void hashesAsTheStandardSays() {
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        assertThat(Sha256.hex("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void theThreadsDigestStartsAfreshEachTime() {
        Sha256.digest().update("left over".getBytes(StandardCharsets.UTF_8)); // never finished
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
        assertThat(Sha256.hex("abc")).isEqualTo(ABC);
    }

    @Test
    void eachThreadHasItsOwn() {
        var other = CompletableFuture.supplyAsync(() -> {
            Sha256.digest().update((byte) 1);
            return Sha256.digest();
        }).join();
        assertThat(other).isNotSameAs(Sha256.digest());
        assertThat(CompletableFuture.supplyAsync(() -> Sha256.hex("abc")).join()).isEqualTo(ABC);
    }
}
