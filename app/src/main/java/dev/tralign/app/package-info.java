/** tralign app module. */
package dev.tralign.app;
