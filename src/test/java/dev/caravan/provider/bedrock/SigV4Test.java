package dev.caravan.provider.bedrock;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SigV4} (the AWS SDK's signer as configured here) against the SigV4 examples AWS documents for S3
 * ("Signature Calculations for the Authorization Header": GET Object with a Range header, and ListObjects with a
 * query; credentials AKIAIOSFODNN7EXAMPLE, 2013-05-24T00:00:00Z, us-east-1). The SDK signer always signs
 * {@code x-amz-content-sha256}, as these examples do (the header-only test-suite vectors such as get-vanilla sign
 * without it, so they cannot be reproduced through it). Plus what a Bedrock request carries.
 */
class SigV4Test {

    static final AwsBasicCredentials EXAMPLE = AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    static final Clock MAY_2013 = Clock.fixed(Instant.parse("2013-05-24T00:00:00Z"), ZoneOffset.UTC);
    static final Clock AT = Clock.fixed(Instant.parse("2015-08-30T12:36:00Z"), ZoneOffset.UTC);

    @Test
    void reproducesTheGetObjectExample() {
        Map<String, String> signed = SigV4.sign("GET", URI.create("https://examplebucket.s3.amazonaws.com/test.txt"),
                Map.of("Range", "bytes=0-9"), new byte[0], EXAMPLE, "us-east-1", "s3", MAY_2013);
        assertThat(header(signed, "authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
        assertThat(header(signed, "x-amz-date")).isEqualTo("20130524T000000Z");
        assertThat(header(signed, "x-amz-content-sha256"))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void reproducesTheListObjectsExample() {
        Map<String, String> signed = SigV4.sign("GET",
                URI.create("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"), Map.of(), new byte[0],
                EXAMPLE, "us-east-1", "s3", MAY_2013);
        assertThat(header(signed, "authorization")).isEqualTo("AWS4-HMAC-SHA256 "
                + "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                + "SignedHeaders=host;x-amz-content-sha256;x-amz-date, "
                + "Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    @Test
    void aBedrockRequestSignsItsHeadersBodyAndSessionToken() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("content-type", "application/json");
        h.put("accept", "application/json");
        byte[] body = "{\"messages\":[]}".getBytes(StandardCharsets.UTF_8);
        URI uri = URI.create("https://bedrock-runtime.eu-west-1.amazonaws.com"
                + BedrockRequestTranslator.path("eu.anthropic.claude-sonnet-4-5-20250929-v1:0", false));
        assertThat(uri.getRawPath()).isEqualTo("/model/eu.anthropic.claude-sonnet-4-5-20250929-v1%3A0/converse");
        Map<String, String> signed = SigV4.sign("POST", uri, h, body,
                AwsSessionCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "TOKEN-1"),
                "eu-west-1", "bedrock", AT);
        assertThat(header(signed, "authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"
                + "eu-west-1/bedrock/aws4_request, SignedHeaders=accept;content-type;host;x-amz-content-sha256;"
                + "x-amz-date;x-amz-security-token, Signature=");
        assertThat(header(signed, "x-amz-security-token")).isEqualTo("TOKEN-1");
        assertThat(header(signed, "content-type")).isEqualTo("application/json");
        Map<String, String> otherBody = SigV4.sign("POST", uri, h, "{}".getBytes(StandardCharsets.UTF_8),
                AwsSessionCredentials.create("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "TOKEN-1"),
                "eu-west-1", "bedrock", AT);
        assertThat(header(otherBody, "authorization")).as("the body is signed")
                .isNotEqualTo(header(signed, "authorization"));
    }

    static String header(Map<String, String> headers, String name) {
        return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                .findFirst().orElse(null);
    }
}
