/** The {@code anchor} command line (picocli); {@code --json} prints one JSON object on the last line. */
package anchor.cli;
