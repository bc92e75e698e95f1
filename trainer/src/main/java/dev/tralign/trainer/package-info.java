/** tralign trainer module. */
package dev.tralign.trainer;
