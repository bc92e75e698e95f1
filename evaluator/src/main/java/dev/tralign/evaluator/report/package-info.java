/**
 * Reports of win-rate series: a self-contained HTML page with inline SVG charts, PNG charts drawn with
 * java.awt (headless) and a plain-text console table. Chart geometry is computed once ({@link Chart}) and
 * drawn by both renderers.
 */
package dev.tralign.evaluator.report;
