package org.bwcdock.agent.volume;

/**
 * A regular file found on a camera volume, with the identity it had when listed.
 *
 * @param relativePath '/'-separated, inside the volume root
 * @param fileKey inode identity at listing time: the file opened later must be this one, on filesystems
 *                whose inode numbers are stable (not FAT/exFAT: see {@link Mounter#stableInodes()})
 */
public record FootageFile(String relativePath, long size, long mtimeMillis, Object fileKey) {
}
