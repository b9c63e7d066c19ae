/* Runs in the <head>, before the page is drawn: tells the stylesheet that scripts run, so the
 * search and the check box show at once instead of moving the page when they appear. */
document.documentElement.className += " js";
