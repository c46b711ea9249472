// The Train loop: ask the server to advance the run and answer its frame, draw it, ask again.
// Training happens only when the page asks (the server takes the steps due since the last poll),
// so a page that stops asking stops the training. The next request goes out while the current
// frame is being drawn, but there is never more than one request in flight. Every start or stop
// bumps the generation, so a loop from before stops by itself.

export class Player {
  constructor(client, onFrame, onStopped) {
    this.client = client;
    this.onFrame = onFrame;
    this.onStopped = onStopped;
    this.generation = 0;
    this.playing = false;
  }

  async play() {
    const generation = ++this.generation;
    this.playing = true;
    const training = await this.client.train();
    if (generation !== this.generation) return;
    if (!training) {
      this.halt();
      const frame = await this.client.frame();
      await this.onFrame(frame);
      this.onStopped(frame);
      return;
    }
    this.loop(generation);
  }

  // Pause, then show where the server really stopped: it may have trained on since the last
  // frame drawn.
  async pause() {
    this.halt();
    await this.client.pause();
    await this.onFrame(await this.client.frame());
  }

  // Stop the loop without telling the server (callers that pause or reconfigure do that).
  halt() {
    this.generation += 1;
    this.playing = false;
  }

  async loop(generation) {
    const current = () => generation === this.generation;
    let next = this.client.advance();
    while (current()) {
      let frame;
      try {
        frame = await next;
      } catch (error) {
        if (current()) { this.halt(); this.onStopped(null, error); }
        return;
      }
      if (!current()) return;
      // Ask for the next frame while this one is drawn: one request in flight, never two.
      if (frame.training) next = this.client.advance();
      await this.onFrame(frame);
      if (!frame.training && current()) { this.halt(); this.onStopped(frame); return; }
    }
  }
}
