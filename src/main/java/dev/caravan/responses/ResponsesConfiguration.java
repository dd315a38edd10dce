package dev.caravan.responses;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import dev.caravan.db.Database;
import dev.caravan.gateway.CallEvents;
import dev.caravan.provider.openai.OpenAiResponsesRequestTranslator;
import dev.caravan.provider.openai.OpenAiResponsesResponseTranslator;

/**
 * Binds the beans of {@code POST /v1/responses} and {@code GET/DELETE /v1/responses/{id}}
 * (routes/api-responses.camel.yaml and the providers' responses branches) and runs the retention job. Settings:
 * {@code caravan.responses.retention-days} (default 30), {@code caravan.responses.purge-interval-minutes}
 * (default 60).
 */
public final class ResponsesConfiguration {

    private ResponsesConfiguration() {
    }

    public static void configure(CamelContext ctx) throws Exception {
        PropertiesComponent pc = ctx.getPropertiesComponent();
        Registry r = ctx.getRegistry();
        Clock clock = Clock.systemUTC();
        Database db = r.lookupByNameAndType("caravanDatabase", Database.class);
        int days = Integer.parseInt(pc.resolveProperty("caravan.responses.retention-days").orElse("30").trim());
        long purgeMinutes = Long.parseLong(pc.resolveProperty("caravan.responses.purge-interval-minutes")
                .orElse("60").trim());
        ResponseStore store = new ResponseStore(db, Duration.ofDays(days), clock);
        r.bind("responseStore", store);
        r.bind("responsesRequestParser", new ResponsesRequestParser(store, clock));
        r.bind("responsesGate", new ResponsesGate());
        r.bind("responsesResult", new ResponsesResult());
        r.bind("responsesKeep", new ResponsesKeep());
        r.bind("storedResponses", new StoredResponses(store, r.lookupByNameAndType("callEvents", CallEvents.class)));
        r.bind("openAiResponsesRequestTranslator", new OpenAiResponsesRequestTranslator());
        r.bind("openAiResponsesResponseTranslator", new OpenAiResponsesResponseTranslator());
        ctx.addService(new ServiceSupport() {
            private ScheduledExecutorService timer;

            @Override
            protected void doStart() {
                timer = Executors.newSingleThreadScheduledExecutor(t -> {
                    Thread th = new Thread(t, "caravan-responses-retention");
                    th.setDaemon(true);
                    return th;
                });
                timer.scheduleWithFixedDelay(store::purgeExpired, 1, Math.max(1, purgeMinutes), TimeUnit.MINUTES);
            }

            @Override
            protected void doStop() throws Exception {
                timer.shutdownNow();
                store.close();
            }
        });
    }
}
