/**
 * Chat on top of a completion model: {@link org.jmamba.chat.ChatTemplate} renders conversations
 * (whole or turn by turn, so a recurrent model's state carries the earlier turns), and
 * {@link org.jmamba.chat.StopMatcher} cuts streamed output at stop strings.
 */
package org.jmamba.chat;
