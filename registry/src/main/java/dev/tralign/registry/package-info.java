/** tralign registry module. */
package dev.tralign.registry;
