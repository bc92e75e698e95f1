package dev.tralign.evaluator.report;

/** HTML/XML text escaping: run ids are user input and must not break (or script) the page. */
public final class Html {

    private Html() {
    }

    /** Escapes &amp;, &lt;, &gt;, quotes. */
    public static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
