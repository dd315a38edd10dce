package dev.caravan.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PackageScanResourceResolver;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.scan.DefaultPackageScanResourceResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The central-directory scan finds exactly what Camel's streaming scan finds, in a jar and in a directory. */
class JarDirectoryResourceResolverTest {

    @TempDir
    Path dir;

    @Test
    void findsTheSameRouteFilesInAJarAsCamelsResolver() throws Exception {
        Path jar = dir.resolve("routes.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : new String[] {"scantest/", "scantest/api.camel.yaml", "scantest/errors.camel.yaml",
                    "scantest/templates/", "scantest/templates/deployment.camel.yaml", "scantest/Helper.class",
                    "scantest/notes.txt", "other/api.camel.yaml", "scantest-extra/x.camel.yaml"}) {
                entry(out, name);
            }
        }
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            for (String pattern : new String[] {"classpath:scantest/*.yaml", "classpath:scantest/templates/*.yaml",
                    "classpath:scantest/**/*.yaml", "classpath:scantest/*"}) {
                Set<String> camel = names(new DefaultPackageScanResourceResolver(), loader, pattern);
                Set<String> ours = names(new JarDirectoryResourceResolver(), loader, pattern);
                assertEquals(camel, ours, pattern);
            }
            assertEquals(Set.of("scantest/api.camel.yaml", "scantest/errors.camel.yaml"),
                    names(new JarDirectoryResourceResolver(), loader, "classpath:scantest/*.yaml"));
        }
    }

    @Test
    void aDirectoryOnTheClasspathIsScannedAsBefore() throws Exception {
        Files.createDirectories(dir.resolve("classes/scantest/templates"));
        Files.writeString(dir.resolve("classes/scantest/api.camel.yaml"), "- route: {}");
        Files.writeString(dir.resolve("classes/scantest/templates/t.camel.yaml"), "- routeTemplate: {}");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.resolve("classes").toUri().toURL()}, null)) {
            assertEquals(names(new DefaultPackageScanResourceResolver(), loader, "classpath:scantest/*.yaml"),
                    names(new JarDirectoryResourceResolver(), loader, "classpath:scantest/*.yaml"));
        }
    }

    @Test
    void installReplacesTheContextsResolver() {
        CamelContext context = new DefaultCamelContext();
        JarDirectoryResourceResolver.install(context);
        PackageScanResourceResolver resolver = PluginHelper.getPackageScanResourceResolver(context);
        assertSame(JarDirectoryResourceResolver.class, resolver.getClass());
        assertSame(context, ((JarDirectoryResourceResolver) resolver).getCamelContext());
    }

    private static Set<String> names(DefaultPackageScanResourceResolver resolver, ClassLoader loader, String pattern)
            throws Exception {
        CamelContext context = new DefaultCamelContext();
        resolver.setCamelContext(context);
        resolver.addClassLoader(loader);
        Set<String> names = new TreeSet<>();
        for (Resource r : resolver.findResources(pattern)) {
            String location = r.getLocation();
            names.add(location.substring(location.indexOf("scantest")));
        }
        return names;
    }

    private static void entry(JarOutputStream out, String name) throws IOException {
        out.putNextEntry(new JarEntry(name));
        if (!name.endsWith("/")) {
            out.write(("content of " + name).getBytes(StandardCharsets.UTF_8));
        }
        out.closeEntry();
    }
}
