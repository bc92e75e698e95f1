package dev.tralign.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit 5 extension: one {@link EmbeddedStack} per test class, on free ports, in a fresh directory under
 * {@code java.io.tmpdir} (the build points that at target/tmp). Inject it as a constructor, lifecycle-method or
 * test-method parameter:
 *
 * <pre>{@code
 * @ExtendWith(EmbeddedStackExtension.class)
 * class MyIT {
 *     @Test
 *     void works(EmbeddedStack stack) { ... stack.bootstrapServers() ... stack.registryUrl() ... }
 * }
 * }</pre>
 */
public final class EmbeddedStackExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(EmbeddedStackExtension.class);
    private static final String KEY = "stack";

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        EmbeddedStack stack = context.getStore(NAMESPACE).remove(KEY, EmbeddedStack.class);
        if (stack != null) {
            stack.close();
            deleteQuietly(stack.dataDir());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // leaving a temp dir under target/tmp behind is harmless
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stack(context);
    }

    private static EmbeddedStack stack(ExtensionContext context) {
        ExtensionContext classContext = classContext(context);
        return classContext.getStore(NAMESPACE).getOrComputeIfAbsent(KEY, k -> startIn(classContext),
                EmbeddedStack.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static EmbeddedStack startIn(ExtensionContext context) {
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            Files.createDirectories(base);
            String name = context.getTestClass().map(Class::getSimpleName).orElse("stack");
            Path dir = Files.createTempDirectory(base, "tralign-" + name + "-");
            return EmbeddedStack.start(StackOptions.forTests(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a data directory for the embedded stack under "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage(), e);
        }
    }
}
