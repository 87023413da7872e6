/**
 * The council's duty phone lines, which the "Call 999 now" page gives a referrer whose concern cannot
 * wait for an online form. The numbers are placeholders from Ofcom's drama range (01632 960xxx): a
 * council deploying the hub puts its own duty lines here.
 */
export const dutyLines = {
  childrenDutyLine: '01632 960 001',
  adultDutyLine: '01632 960 002',
  outOfHoursLine: '01632 960 003',
} as const;
