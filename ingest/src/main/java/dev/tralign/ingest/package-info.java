/** tralign ingest module. */
package dev.tralign.ingest;
