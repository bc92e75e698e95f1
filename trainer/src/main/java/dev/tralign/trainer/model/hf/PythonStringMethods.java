package dev.tralign.trainer.model.hf;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods on strings inside Jinja expressions, as chat templates call them
 * ({@code content.split('</think>')[-1].lstrip('\n')}, {@code message.content.startswith('<tool_response>')}).
 * Jinjava would look these up as Java methods, which have other names or no {@code chars} argument. Placed before
 * Jinjava's own resolver; anything else falls through to it.
 */
final class PythonStringMethods extends ELResolver {

    private static final Set<String> METHODS = Set.of("startswith", "endswith", "strip", "lstrip", "rstrip", "split",
            "upper", "lower", "replace", "title", "capitalize", "join", "find", "count");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null || !METHODS.contains(method.toString())) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = switch (method.toString()) {
            case "startswith" -> anyOf(args[0], s::startsWith);
            case "endswith" -> anyOf(args[0], s::endsWith);
            case "strip" -> rstrip(lstrip(s, chars(args)), chars(args));
            case "lstrip" -> lstrip(s, chars(args));
            case "rstrip" -> rstrip(s, chars(args));
            case "split" -> split(s, args.length > 0 && args[0] != null ? args[0].toString() : null,
                    args.length > 1 ? ((Number) args[1]).intValue() : -1);
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "replace" -> s.replace(args[0].toString(), args[1].toString());
            case "title" -> title(s);
            case "capitalize" -> s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT)
                    + s.substring(1).toLowerCase(Locale.ROOT);
            case "join" -> join(s, args[0]);
            case "find" -> s.indexOf(args[0].toString());
            case "count" -> count(s, args[0].toString());
            default -> throw new IllegalStateException(method.toString());
        };
        context.setPropertyResolved(true);
        return result;
    }

    private interface Test {
        boolean test(String prefix);
    }

    /** Python accepts one string or a tuple of them. */
    private static boolean anyOf(Object arg, Test test) {
        if (arg instanceof Collection<?> options) {
            return options.stream().anyMatch(o -> test.test(o.toString()));
        }
        return test.test(arg.toString());
    }

    /** The characters to strip, or null for Python's whitespace. */
    private static String chars(Object[] args) {
        return args.length > 0 && args[0] != null ? args[0].toString() : null;
    }

    private static boolean strippable(char c, String chars) {
        return chars == null ? isPythonSpace(c) : chars.indexOf(c) >= 0;
    }

    /** str.isspace: Unicode whitespace and separators, as Python defines them. */
    private static boolean isPythonSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strippable(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        int i = s.length();
        while (i > 0 && strippable(s.charAt(i - 1), chars)) {
            i--;
        }
        return s.substring(0, i);
    }

    /** str.split: on a literal separator, or on runs of whitespace (dropping empty ends) without one. */
    static List<String> split(String s, String separator, int maxSplit) {
        List<String> out = new ArrayList<>();
        if (separator == null) {
            int i = 0;
            while (true) {
                while (i < s.length() && isPythonSpace(s.charAt(i))) {
                    i++;
                }
                if (i == s.length()) {
                    return out;
                }
                if (maxSplit >= 0 && out.size() == maxSplit) {
                    out.add(rstrip(s.substring(i), null));
                    return out;
                }
                int start = i;
                while (i < s.length() && !isPythonSpace(s.charAt(i))) {
                    i++;
                }
                out.add(s.substring(start, i));
            }
        }
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int start = 0;
        int at;
        while ((maxSplit < 0 || out.size() < maxSplit) && (at = s.indexOf(separator, start)) >= 0) {
            out.add(s.substring(start, at));
            start = at + separator.length();
        }
        out.add(s.substring(start));
        return out;
    }

    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (char c : s.toCharArray()) {
            out.append(previousCased ? Character.toLowerCase(c) : Character.toUpperCase(c));
            previousCased = Character.isLetter(c);
        }
        return out.toString();
    }

    private static String join(String separator, Object items) {
        List<String> parts = new ArrayList<>();
        if (items instanceof Iterable<?> iterable) {
            iterable.forEach(x -> parts.add(String.valueOf(x)));
        } else {
            throw new IllegalArgumentException("join needs a list, got " + items);
        }
        return String.join(separator, parts);
    }

    private static int count(String s, String sub) {
        if (sub.isEmpty()) {
            return s.length() + 1;
        }
        int n = 0;
        for (int at = s.indexOf(sub); at >= 0; at = s.indexOf(sub, at + sub.length())) {
            n++;
        }
        return n;
    }

    // A method-only resolver: properties are left to the next resolver.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // not resolved here
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
