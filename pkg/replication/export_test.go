package replication

// pauseRenewals stops t's lease renewals without ending t: the node goes
// on believing it is active, as a process paused past its lease would on
// waking up.
func (t *Term) pauseRenewals() {
	t.stopRenew()
	<-t.renewed
}
