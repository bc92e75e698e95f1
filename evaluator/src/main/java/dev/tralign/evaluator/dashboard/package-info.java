/**
 * Live view of tralign.win-rates: a consumer feeding an in-memory store, a JSON HTTP API over it and a page that
 * polls the API and draws the charts as SVG.
 */
package dev.tralign.evaluator.dashboard;
