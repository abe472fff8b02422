/** The numbers the three source documents print, each with its section and the tolerance we reproduce it to. */
package anchor.docs;
