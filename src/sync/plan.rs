//! The plan: a pure function from the current org, a roster, the options and today to
//! a change set. (Being built: issue 4.)
