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

    /** A chain route {@code direct:chain.<id>}: the given load balancer over the deployments, in order. */
    public static String chain(String id, String balancer, String... deployments) {
        StringBuilder to = new StringBuilder();
        for (String d : deployments) {
            to.append("              - to: direct:deployment.").append(d).append('\n');
        }
        return """
                - route:
                    id: chain.%s
                    from:
                      uri: direct:chain.%s
                      steps:
                        - loadBalance:
                            %s
                            steps:
                %s""".formatted(id, id, balancer, to);
    }

    /** The routing file's entry route {@code route.chat}: {@code steps} is its YAML step list, from column 0. */
    public static String routeChat(String steps) {
        return """
                - route:
                    id: route.chat
                    from:
                      uri: direct:route.chat
                      steps:
                %s""".formatted(steps.indent(8));
    }

    /**
     * The routing file's entry route with one choice: requests for which {@code condition} (a Simple expression)
     * holds take {@code step} (one YAML step, e.g. {@code to: direct:chain.x}); every other request goes to its
     * model's provider through the {@code modelRouter}, as in the shipped routing file.
     */
    public static String routeChatWhen(String condition, String step) {
        return routeChat("""
                - choice:
                    when:
                      - simple: "%s"
                        steps:
                          - %s
                    otherwise:
                      steps:
                        - process: { ref: modelRouter }
                        - toD: "direct:provider.${header.CaravanProvider}.chat?block=false"
                """.formatted(condition, step));
    }

    /** The failover balancer of the shipped routing file: the next deployment on ProviderUnavailable. */
    public static final String FAILOVER = "failoverLoadBalancer: { exception: [ dev.caravan.error.ProviderUnavailable ] }";
}
