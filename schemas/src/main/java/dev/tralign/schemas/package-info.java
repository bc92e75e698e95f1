/** tralign schemas module. */
package dev.tralign.schemas;
