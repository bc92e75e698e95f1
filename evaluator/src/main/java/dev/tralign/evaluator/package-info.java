/** tralign evaluator module. */
package dev.tralign.evaluator;
