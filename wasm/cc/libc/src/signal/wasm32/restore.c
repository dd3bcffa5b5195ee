/* The bridge returns from a handler itself: nothing to restore. */
void __restore_rt(void)
{
}
