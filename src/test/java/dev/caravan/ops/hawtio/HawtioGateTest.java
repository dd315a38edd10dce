package dev.caravan.ops.hawtio;

import io.netty.handler.codec.http.FullHttpResponse;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The console is never open: off when disabled, refused without an account; accounts compare digests. */
class HawtioGateTest {

    static FullHttpResponse run(HawtioConsole console) throws Exception {
        try (DefaultCamelContext ctx = new DefaultCamelContext()) {
            Exchange ex = new DefaultExchange(ctx);
            console.process(ex);
            assertThat(ex.getProperty(HawtioConsole.PORT_PROPERTY)).isNull();
            assertThat(console.started()).isFalse();
            return ex.getMessage().getBody(FullHttpResponse.class);
        }
    }

    @Test
    void disabledAnswers404() throws Exception {
        HawtioAccounts accounts = new HawtioAccounts().add("admin", "some-admin-key-123456");
        assertThat(run(new HawtioConsole(false, accounts, "127.0.0.1", 0)).status().code()).isEqualTo(404);
    }

    @Test
    void withoutAnyAccountItRefusesToStart() throws Exception {
        HawtioAccounts none = new HawtioAccounts().add("admin", "").add("", "pw-without-user").add("ops", null);
        assertThat(none.isEmpty()).isTrue();
        FullHttpResponse r = run(new HawtioConsole(true, none, "127.0.0.1", 0));
        assertThat(r.status().code()).isEqualTo(503);
        assertThat(r.content().toString(java.nio.charset.StandardCharsets.UTF_8)).contains("CARAVAN_ADMIN_KEY");
    }

    @Test
    void accountsCheckUserAndPassword() {
        HawtioAccounts a = new HawtioAccounts().add("admin", "admin-key-0123456789").add("ops", "ops-password-1");
        assertThat(a.check("admin", "admin-key-0123456789".toCharArray())).isTrue();
        assertThat(a.check("ops", "ops-password-1".toCharArray())).isTrue();
        assertThat(a.check("ops", "admin-key-0123456789".toCharArray())).isFalse();
        assertThat(a.check("nobody", "ops-password-1".toCharArray())).isFalse();
        assertThat(a.check("admin", "".toCharArray())).isFalse();
        assertThat(a.check(null, null)).isFalse();
    }
}
