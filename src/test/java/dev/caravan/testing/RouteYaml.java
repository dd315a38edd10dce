package dev.caravan.testing;

/** Route-file snippets for tests that write their own routing file. */
public final class RouteYaml {

    private RouteYaml() {
    }

    /**
     * A deployment (routes/templates/deployment.camel.yaml) of {@code provider}'s {@code model};
     * {@code extraParameters} are more parameter lines, already indented, or "".
     */
    public static String deployment(String id, String provider, String model, String extraParameters) {
        return """
                - templatedRoute:
                    routeTemplateRef: deployment
                    routeId: deployment.%s
                    parameters:
                      - { name: id, value: %s }
                      - { name: provider, value: %s }
                      - { name: model, value: %s }
                %s""".formatted(id, id, provider, model, extraParameters);
    }
}
