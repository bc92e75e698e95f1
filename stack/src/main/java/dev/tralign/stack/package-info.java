/** tralign stack module. */
package dev.tralign.stack;
